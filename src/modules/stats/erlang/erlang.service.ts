import { Injectable } from '@nestjs/common';
import { AppError } from '@/common/errors/app-error';
import {
  AgentsNeededDto,
  AgentsNeededQueryDto,
  ErlangBDto,
  ErlangBQueryDto,
  ErlangCDto,
  ErlangCQueryDto,
  LinesNeededDto,
  LinesNeededQueryDto,
} from '@/modules/stats/dto/erlang.dto';
import {
  agentsNeeded,
  erlangB,
  erlangC,
  erlangCAsa,
  erlangCServiceLevel,
  linesNeeded,
  occupancy,
} from '@/modules/stats/erlang/erlang';

/**
 * The Erlang calculators over HTTP. The math lives in erlang.ts; this only shapes the answers
 * and turns the RangeErrors it throws for impossible questions into a stable 400.
 */
@Injectable()
export class ErlangService {
  blocking({ traffic, lines }: ErlangBQueryDto): ErlangBDto {
    return answer(() => ({ traffic, lines, blocking: erlangB(traffic, lines) }));
  }

  linesNeeded({ traffic, blocking: target }: LinesNeededQueryDto): LinesNeededDto {
    return answer(() => {
      const lines = linesNeeded(traffic, target);
      return { traffic, blocking: erlangB(traffic, lines), target, lines };
    });
  }

  waiting({ traffic, agents, aht, target }: ErlangCQueryDto): ErlangCDto {
    return answer(() => {
      const asa = erlangCAsa(traffic, agents, aht);
      return {
        traffic,
        agents,
        aht,
        target,
        pWait: erlangC(traffic, agents),
        // JSON has no Infinity: an ever-growing queue has no average speed of answer.
        asa: Number.isFinite(asa) ? asa : null,
        serviceLevel: erlangCServiceLevel(traffic, agents, aht, target),
        occupancy: occupancy(traffic, agents),
      };
    });
  }

  agentsNeeded({
    traffic,
    aht,
    target,
    level,
    maxOccupancy,
  }: AgentsNeededQueryDto): AgentsNeededDto {
    return answer(() => {
      const staffing = agentsNeeded({
        traffic,
        ahtSeconds: aht,
        thresholdSeconds: target,
        targetServiceLevel: level,
        maxOccupancy,
      });
      return { traffic, aht, target, level, ...staffing };
    });
  }
}

function answer<T>(compute: () => T): T {
  try {
    return compute();
  } catch (err) {
    if (err instanceof RangeError) throw new AppError('INVALID_ARGUMENT', err.message);
    throw err;
  }
}
