/**
 * `npm run user -- <command>`: accounts from the shell, on the store the settings name.
 *   add <name> <role> | add <name> --role <role>   password from USER_PASSWORD or standard input
 *   passwd <name>                                   the same, a new password
 *   role <name> <role> · disable <name> · enable <name> · revoke <name> (end its sessions) · list
 * The password is never echoed, printed or logged; every change goes to the audit trail as
 * done by `cli`. The embedded store belongs to one process: stop `npm start` first, or use
 * the admin API (docs/operations.md).
 */
import { loadSettings } from '@watchfloor/config/settings';
import { Password, UserRole, Username } from '@watchfloor/config/auth';
import { openStore } from '../store/open';
import { listUsers } from '../store/users';
import { addUser, revokeSessions, updateUser, type Actor } from './accounts';

const USAGE = 'usage: npm run user -- add <name> <role> | passwd <name> | role <name> <role> | disable <name> | enable <name> | revoke <name> | list\n  roles: dispatcher, analyst, admin; the password comes from USER_PASSWORD or standard input';

/** One line from standard input; on a terminal, typed without echo. */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.USER_PASSWORD;
  if (fromEnv) return fromEnv;
  const stdin = process.stdin;
  if (stdin.isTTY) {
    process.stderr.write('password: ');
    stdin.setRawMode(true);
  }
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = (v: string | Error) => {
      stdin.off('data', onData);
      if (stdin.isTTY) { stdin.setRawMode(false); process.stderr.write('\n'); }
      stdin.pause();
      if (v instanceof Error) reject(v); else resolve(v);
    };
    const onData = (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\n' || ch === '\r') return done(buf);
        if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    stdin.on('data', onData);
    stdin.once('end', () => done(buf));
    stdin.resume();
  });
}

/** Whether `npm start` is up on this machine (two processes on one embedded store would corrupt it). */
async function serverAnswers(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

function parseArgs(argv: string[]): { cmd: string; name?: string; role?: string } {
  const rest: string[] = [];
  let role: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--role') role = argv[++i];
    else if (argv[i]!.startsWith('--role=')) role = argv[i]!.slice(7);
    else rest.push(argv[i]!);
  }
  return { cmd: rest[0] ?? '', name: rest[1], role: role ?? rest[2] };
}

async function main(): Promise<number> {
  const { cmd, name, role } = parseArgs(process.argv.slice(2));
  const needName = cmd !== 'list';
  if (!['add', 'passwd', 'role', 'disable', 'enable', 'revoke', 'list'].includes(cmd) || (needName && !name)) {
    console.error(USAGE);
    return 2;
  }
  const checkedRole = () => {
    const r = UserRole.safeParse(role);
    if (!r.success) throw new Error(`role must be one of ${UserRole.options.join(', ')}`);
    return r.data;
  };
  const checkedPassword = async () => {
    const p = Password.safeParse(await readPassword());
    if (!p.success) throw new Error(`password: ${p.error.issues[0]?.message ?? 'invalid'}`);
    return p.data;
  };
  const settings = loadSettings();
  const by: Actor = { name: 'cli' };
  // Inputs are checked before the store is opened: a typo costs nothing.
  const r = cmd === 'add' || cmd === 'role' ? checkedRole() : null;
  if (cmd === 'add' && !Username.safeParse(name).success) throw new Error('name: letters, digits, dot, dash or underscore, 2 to 64 characters');
  const password = cmd === 'add' || cmd === 'passwd' ? await checkedPassword() : null;
  if (settings.embeddedDb && (await serverAnswers(settings.PORT))) {
    throw new Error(`a server answers on port ${settings.PORT}: the embedded store belongs to it. Stop it first, or use the admin API (POST /api/users)`);
  }
  const db = await openStore(settings);
  try {
    switch (cmd) {
      case 'list':
        for (const u of await listUsers(db)) console.log(`${u.name}\t${u.role}${u.disabled ? '\tdisabled' : ''}`);
        return 0;
      case 'add': {
        const row = await addUser(db, by, { name: name!, role: r!, password: password! });
        if (!row) { console.error(`a user named ${name} exists`); return 1; }
        console.log(`added ${row.name} (${row.role})`);
        return 0;
      }
      case 'revoke': {
        const n = await revokeSessions(db, by, name!);
        if (n === null) { console.error(`no user ${name}`); return 1; }
        console.log(`${name}: ${n} session(s) ended`);
        return 0;
      }
      default: {
        const change = cmd === 'passwd' ? { password: password! } : cmd === 'role' ? { role: r! } : { disabled: cmd === 'disable' };
        const row = await updateUser(db, by, name!, change);
        if (!row) { console.error(`no user ${name}`); return 1; }
        console.log(`${row.name}: ${cmd} done (sessions ended)`);
        return 0;
      }
    }
  } finally {
    await db.close();
  }
}

main().then((code) => { process.exitCode = code; }, (err: Error) => { console.error(err.message); process.exitCode = 1; });
