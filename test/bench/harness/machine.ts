import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface MachineFacts {
  cores: number;
  cpuModel: string;
  totalMemoryMb: number;
  node: string;
  platform: string;
  kernel: string;
  fileDescriptorLimit: string;
  packages: Record<string, string | null>;
}

const PACKAGES = [
  'socket.io',
  'socket.io-client',
  'bullmq',
  '@nestjs/core',
  '@mikro-orm/core',
  'pg',
];

function installedVersion(repoRoot: string, name: string): string | null {
  // Read the file directly: several of these packages do not export ./package.json.
  try {
    const file = path.join(repoRoot, 'node_modules', ...name.split('/'), 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

function softFdLimit(): string {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const line = limits.split('\n').find((l) => l.startsWith('Max open files'));
    const [soft, hard] = line?.replace('Max open files', '').trim().split(/\s+/) ?? [];
    return `${soft} (hard ${hard})`;
  } catch {
    return 'unknown';
  }
}

export function machineFacts(repoRoot: string): MachineFacts {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    fileDescriptorLimit: softFdLimit(),
    packages: Object.fromEntries(PACKAGES.map((p) => [p, installedVersion(repoRoot, p)])),
  };
}
