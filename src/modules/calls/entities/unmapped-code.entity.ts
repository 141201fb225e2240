import { Entity, Enum, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

export const UNMAPPED_CODE_KINDS = ['line', 'queue', 'agent'] as const;
export type UnmappedCodeKind = (typeof UNMAPPED_CODE_KINDS)[number];

/**
 * A line, queue or agent code that telephony sent and nothing in the directory answers to. The
 * event is stored anyway (a call must not be lost because a code is new); an admin maps the code
 * later. Times are when the server saw the code, not the events' own times.
 */
@Entity({ tableName: 'unmapped_codes' })
export class UnmappedCode {
  [PrimaryKeyProp]?: ['kind', 'code'];

  @Enum({ items: () => UNMAPPED_CODE_KINDS, primary: true })
  kind!: UnmappedCodeKind;

  @PrimaryKey({ type: 'text' })
  code!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  firstSeenAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  lastSeenAt!: Date;

  /** How many accepted events named the code. */
  @Property({ type: 'integer', default: 0 })
  seenCount: number = 0;
}
