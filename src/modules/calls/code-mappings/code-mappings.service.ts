import { Injectable } from '@nestjs/common';
import { AppError } from '@/common/errors/app-error';
import type { Page } from '@/common/pagination/page.dto';
import type { Principal } from '@/common/auth/roles';
import {
  CodeMappingDto,
  CreateCodeMappingDto,
  ListUnmappedCodesQueryDto,
  UnmappedCodeDto,
} from '@/modules/calls/dto/code-mapping.dto';
import type { UnmappedCodeKind } from '@/modules/calls/entities/unmapped-code.entity';
import { CodeMappingRepository } from '@/modules/calls/code-mappings/code-mapping.repository';

const TARGET_NAME = { line: 'line', queue: 'queue', agent: 'user' } as const;

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

/**
 * Line and queue codes match the directory without case (as ingest compares them); agent codes
 * are an extension or username as the PBX sends them, so they are kept as sent.
 */
export function mappingKey(kind: UnmappedCodeKind, code: string): string {
  return kind === 'agent' ? code : code.toLowerCase();
}

/**
 * Codes telephony sent that the directory does not know, and the admin's answer to each: "this
 * code is that line, queue or person". Ingest reads the mappings with the directory's own codes,
 * so events after the mapping carry the target's id; earlier calls keep what they had.
 */
@Injectable()
export class CodeMappingsService {
  constructor(private readonly repository: CodeMappingRepository) {}

  async unmapped(query: ListUnmappedCodesQueryDto): Promise<Page<UnmappedCodeDto>> {
    const { rows, total } = await this.repository.unmapped(query.kind, query.limit, query.offset);
    return {
      items: rows.map((r) => ({
        kind: r.kind,
        code: r.code,
        firstSeenAt: iso(r.first_seen_at),
        lastSeenAt: iso(r.last_seen_at),
        seenCount: r.seen_count,
      })),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  async map(body: CreateCodeMappingDto, who: Principal): Promise<CodeMappingDto> {
    const target = await this.repository.target(body.kind, body.targetId);
    if (target === null) throw AppError.notFound(TARGET_NAME[body.kind], body.targetId);
    const key = mappingKey(body.kind, body.code);
    await this.repository.map(body.kind, key, body.targetId, who.id);
    const mapped = (await this.repository.mappings()).find(
      (m) => m.kind === body.kind && m.code === key,
    );
    // Deleting the target between the two statements cascades the mapping away.
    if (!mapped) throw AppError.notFound(TARGET_NAME[body.kind], body.targetId);
    return toDto(mapped);
  }

  async mappings(): Promise<CodeMappingDto[]> {
    return (await this.repository.mappings()).map(toDto);
  }

  async unmap(kind: UnmappedCodeKind, code: string): Promise<void> {
    if (!(await this.repository.unmap(kind, mappingKey(kind, code)))) {
      throw AppError.notFound('mapping', `${kind}:${code}`);
    }
  }
}

function toDto(row: {
  kind: UnmappedCodeKind;
  code: string;
  target_id: string;
  target_code: string;
  target_name: string;
  created_at: Date | string;
}): CodeMappingDto {
  return {
    kind: row.kind,
    code: row.code,
    targetId: row.target_id,
    targetCode: row.target_code,
    targetName: row.target_name,
    createdAt: iso(row.created_at),
  };
}
