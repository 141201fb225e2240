import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { UnmappedCodeKind } from '@/modules/calls/entities/unmapped-code.entity';

export interface UnmappedCodeRow {
  kind: UnmappedCodeKind;
  code: string;
  first_seen_at: Date | string;
  last_seen_at: Date | string;
  seen_count: number;
}

export interface CodeMappingRow {
  kind: UnmappedCodeKind;
  code: string;
  target_id: string;
  target_code: string;
  target_name: string;
  created_at: Date | string;
}

const TARGET_COLUMN = { line: 'line_id', queue: 'queue_id', agent: 'user_id' } as const;

/** The mapping table and the unmapped-code list it drains; ingest reads mappings itself. */
@Injectable()
export class CodeMappingRepository {
  constructor(private readonly em: EntityManager) {}

  async unmapped(
    kind: UnmappedCodeKind | undefined,
    limit: number,
    offset: number,
  ): Promise<{ rows: UnmappedCodeRow[]; total: number }> {
    const connection = this.em.getConnection();
    const filter = kind === undefined ? '' : `where "kind" = ?`;
    const params = kind === undefined ? [] : [kind];
    const [rows, count] = await Promise.all([
      connection.execute<UnmappedCodeRow[]>(
        `select "kind", "code", "first_seen_at", "last_seen_at", "seen_count"
           from "unmapped_codes" ${filter}
          order by "last_seen_at" desc, "kind", "code" limit ? offset ?`,
        [...params, limit, offset],
      ),
      connection.execute<{ n: string }[]>(
        `select count(*) as "n" from "unmapped_codes" ${filter}`,
        params,
      ),
    ]);
    return { rows, total: Number(count[0]?.n ?? 0) };
  }

  /** The target's own code and name, or null when there is no such line, queue or user. */
  async target(kind: UnmappedCodeKind, id: string): Promise<{ code: string; name: string } | null> {
    const sql = {
      line: `select "code", "name" from "lines" where "id" = ?`,
      queue: `select "code", "name" from "queues" where "id" = ?`,
      agent: `select "username" as "code", "display_name" as "name" from "users" where "id" = ?`,
    }[kind];
    const rows = await this.em.getConnection().execute<{ code: string; name: string }[]>(sql, [id]);
    return rows[0] ?? null;
  }

  /**
   * Maps the code (replacing an earlier mapping of it) and takes it, in every spelling that
   * resolves the same way, off the unmapped list: one statement, so both or neither.
   */
  async map(
    kind: UnmappedCodeKind,
    key: string,
    targetId: string,
    createdBy: string,
  ): Promise<void> {
    const column = TARGET_COLUMN[kind];
    const sameCode = kind === 'agent' ? `"code" = ?` : `lower("code") = ?`;
    await this.em.getConnection().execute(
      `with "mapped" as (
         insert into "code_mappings" ("kind", "code", "${column}", "created_by")
         values (?, ?, ?, ?)
         on conflict ("kind", "code") do update
           set "line_id" = excluded."line_id", "queue_id" = excluded."queue_id",
               "user_id" = excluded."user_id", "created_by" = excluded."created_by",
               "created_at" = now()
         returning 1)
       delete from "unmapped_codes" where "kind" = ? and ${sameCode}`,
      [kind, key, targetId, createdBy, kind, key],
      'run',
    );
  }

  async mappings(): Promise<CodeMappingRow[]> {
    return this.em.getConnection().execute<CodeMappingRow[]>(
      `select m."kind", m."code", m."created_at",
              coalesce(m."line_id", m."queue_id", m."user_id") as "target_id",
              coalesce(l."code", q."code", u."username") as "target_code",
              coalesce(l."name", q."name", u."display_name") as "target_name"
         from "code_mappings" m
         left join "lines" l on l."id" = m."line_id"
         left join "queues" q on q."id" = m."queue_id"
         left join "users" u on u."id" = m."user_id"
        order by m."kind", m."code"`,
    );
  }

  async unmap(kind: UnmappedCodeKind, key: string): Promise<boolean> {
    const rows = await this.em
      .getConnection()
      .execute<{ code: string }[]>(
        `delete from "code_mappings" where "kind" = ? and "code" = ? returning "code"`,
        [kind, key],
      );
    return rows.length > 0;
  }
}
