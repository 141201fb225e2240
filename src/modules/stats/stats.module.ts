import { Module } from '@nestjs/common';
import { ErlangController } from '@/modules/stats/erlang/erlang.controller';
import { ErlangService } from '@/modules/stats/erlang/erlang.service';

/** Load statistics: for now the Erlang B/C calculators supervisors plan lines and staff with. */
@Module({
  controllers: [ErlangController],
  providers: [ErlangService],
  exports: [ErlangService],
})
export class StatsModule {}
