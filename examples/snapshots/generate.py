#!/usr/bin/env python3
"""Writes paritty's example snapshots (examples/snapshots/*.json).

Usage: cargo run -q -- snapshot --format json > /tmp/local.json
       python3 examples/snapshots/generate.py examples/snapshots

The local snapshot gives the profile name, hash and each fact's label,
category, compare kind and informational flag; the evidence (raw outputs,
values, paths) is written out below. Run it after changing the default
profile (tests/it/examples_shipped.rs fails until then)."""
import copy, json, re, sys

local = json.load(open('/tmp/local.json'))
OUT = sys.argv[1]
META = {k: {x: f[x] for x in ('label', 'category', 'compare', 'informational') if x in f}
        for k, f in local['facts'].items()}

# Sources per fact, for "not found" evidence: the absent_label of each source.
# What the examples written before said, else what this machine lacks (so
# that the examples do not change with what is installed here), under the
# fixed list below.
ABSENT = {k: f['raw'][len('not found: '):] for k, f in local['facts'].items()
          if f['status'] == 'missing'}
for name in ('prod-web-1.json', 'staging-web-1.json', 'laptop-dev.json'):
    try:
        earlier = json.load(open(f'{OUT}/{name}'))
    except FileNotFoundError:
        continue
    ABSENT.update({k: f['raw'][len('not found: '):] for k, f in earlier['facts'].items()
                   if f['status'] == 'missing'})
ABSENT.update({
    'runtime.python3': 'python3, python',
    'runtime.node': 'node, nodejs',
    'runtime.java': 'java (for ../release), java',
    'runtime.perl': 'perl',
    'runtime.rustc': 'rustc',
    'tool.git': 'git', 'tool.curl': 'curl', 'tool.wget': 'wget',
    'tool.openssl': 'openssl', 'tool.ssh': 'ssh', 'tool.docker': 'docker',
    'tool.kubectl': 'kubectl', 'tool.terraform': 'terraform',
    'tool.make': 'make, gmake', 'tool.gcc': 'gcc', 'tool.jq': 'jq',
    'tool.bash': 'bash', 'tool.tmux': 'tmux',
    'service.postgresql': 'postgres, /usr/lib/postgresql/*/bin/postgres, /usr/pgsql-*/bin/postgres, /opt/homebrew/opt/postgresql@*/bin/postgres, /usr/local/opt/postgresql@*/bin/postgres',
    'service.postgresql-client': 'psql',
    'service.sqlite': 'sqlite3',
    'pkg.cargo': 'cargo',
    'pkg.npm': 'npm (for ../package.json), npm',
    'pkg.pip': 'python3, pip3, pip',
    # No app folder on these machines: every source of it is absent.
    'app.revision': 'git, REVISION, $GIT_SHA, $GIT_COMMIT, $SOURCE_VERSION, '
                    '$HEROKU_SLUG_COMMIT, $COMMIT_SHA, $GITHUB_SHA, $CI_COMMIT_SHA',
    # Installed where the backing-service tests run (scripts/test-deps.sh).
    'runtime.erlang': 'erl',
    'service.mysql': 'mysqld, mariadbd, /usr/sbin/mysqld, /usr/sbin/mariadbd, /usr/libexec/mysqld, /usr/local/mysql/bin/mysqld',
    'service.mysql-flavor': 'mysqld, mariadbd, /usr/sbin/mysqld, /usr/sbin/mariadbd, /usr/libexec/mysqld, /usr/local/mysql/bin/mysqld',
    'service.mysql-client': 'mysql, mariadb',
    'service.redis': 'redis-server, valkey-server',
    'service.redis-client': 'redis-cli, valkey-cli',
    'service.memcached': 'memcached, /usr/sbin/memcached',
    'service.rabbitmq': 'readlink, dpkg-query, rpm',
    'tool.podman': 'podman',
})

PIP_ARGV = local['facts']['pkg.pip']['command']


def fact(id_, value, raw, found_at=None, ms=0, command=None, exit_code=None,
         shadowed=None, status='ok'):
    f = {'value': value, 'status': status, 'raw': raw, 'found_at': found_at,
         'duration_ms': ms}
    f.update({k: v for k, v in META[id_].items() if k != 'informational'})
    if META[id_].get('informational'):
        f['informational'] = True
    if command is not None:
        f['command'] = command
    if exit_code is not None:
        f['exit_code'] = exit_code
    if shadowed:
        f['shadowed'] = shadowed
    return f


def missing(id_):
    return fact(id_, None, 'not found: ' + ABSENT[id_], status='missing')


def cmd(id_, argv, value, raw, found_at, ms, shadowed=None, exit_code=0):
    return fact(id_, value, raw, found_at, ms, argv, exit_code, shadowed)


def os_release(pretty, name, version_id, os_id, ms=0):
    src = '/etc/os-release'
    return {
        'os.id': fact('os.id', os_id, f'ID={os_id}', src, ms),
        'os.name': fact('os.name', name, f'NAME="{name}"', src, ms),
        'os.pretty': fact('os.pretty', pretty, f'PRETTY_NAME="{pretty}"', src, ms),
        'os.version': fact('os.version', version_id, f'VERSION_ID="{version_id}"', src, ms),
    }


def builtin(id_, value, raw=None, ms=0):
    return fact(id_, value, value if raw is None else raw, None, ms)


def gib(n_bytes):
    tenths = (n_bytes * 10 + (1 << 29)) // (1 << 30)
    return f'{tenths // 10}.{tenths % 10} GiB'


# Debian's perl gains patches with every point release: the examples keep
# the count they were written with.
PERL = re.sub(r'with \d+ registered patches', 'with 54 registered patches',
              local['facts']['runtime.perl']['raw'])
BASH = local['facts']['tool.bash']['raw']
MAKE = local['facts']['tool.make']['raw']
WGET_1213 = local['facts']['tool.wget']['raw']
DPKG_12122 = local['facts']['pkg.dpkg']['raw']
SYSTEMD_FEATURES_252 = local['facts']['tool.systemd']['raw'].split('\n', 1)[1]
LDD_TAIL = local['facts']['libc']['raw'].split('\n', 1)[1]
GCC_TAIL = local['facts']['tool.gcc']['raw'].split('\n', 1)[1]
SUDO = ('Sudo version {v}\nSudoers policy plugin version {v}\nSudoers file grammar version 50\n'
        'Sudoers I/O plugin version {v}\nSudoers audit plugin version {v}\n')
RSYNC_327 = ('rsync  version 3.2.7  protocol version 31\n'
             'Copyright (C) 1996-2022 by Andrew Tridgell, Wayne Davison, and others.\n'
             'Web site: https://rsync.samba.org/\n'
             'Capabilities:\n'
             '    64-bit files, 64-bit inums, 64-bit timestamps, 64-bit long ints,\n'
             '    socketpairs, symlinks, symtimes, hardlinks, hardlink-specials,\n'
             '    hardlink-symlinks, IPv6, atimes, batchfiles, inplace, append, ACLs,\n'
             '    xattrs, optional secluded-args, iconv, prealloc, stop-at, no crtimes\n'
             'Optimizations:\n'
             '    SIMD-roll, no asm-roll, openssl-crypto, no asm-MD5\n'
             'Checksum list:\n'
             '    xxh128 xxh3 xxh64 (xxhash) md4 md5 none\n'
             'Compress list:\n'
             '    zstd lz4 zlibx zlib none\n'
             'Daemon auth list:\n'
             '    sha512 sha256 sha1 md5 md4\n'
             '\n'
             'rsync comes with ABSOLUTELY NO WARRANTY.  This is free software, and you\n'
             'are welcome to redistribute it under certain conditions.  See the GNU\n'
             'General Public Licence for details.\n')


def curl(version, openssl, tail_versions, release, patched):
    return (f'curl {version} (x86_64-pc-linux-gnu) libcurl/{version} OpenSSL/{openssl} {tail_versions}\n'
            f'Release-Date: {release}, security patched: {patched}\n'
            'Protocols: dict file ftp ftps gopher gophers http https imap imaps ldap ldaps mqtt pop3 pop3s rtmp rtsp scp sftp smb smbs smtp smtps telnet tftp\n'
            'Features: alt-svc AsynchDNS brotli GSS-API HSTS HTTP2 HTTPS-proxy IDN IPv6 Kerberos Largefile libz NTLM PSL SPNEGO SSL threadsafe TLS-SRP UnixSockets zstd\n')


OPENSSL_DATE = {'3.0.11': '19 Sep 2023', '3.0.13': '30 Jan 2024'}


def debian_server(hostname, *, cpu, cores, mem_kib, pg, node, systemd, openssl,
                  docker_timeout=False):
    """A Debian 12 web/database server as collected over SSH."""
    f = {}
    f.update(os_release('Debian GNU/Linux 12 (bookworm)', 'Debian GNU/Linux', '12', 'debian'))
    f['arch'] = builtin('arch', 'x86_64', ms=3)
    f['cpu.cores'] = builtin('cpu.cores', str(cores), ms=2)
    f['cpu.model'] = builtin('cpu.model', cpu, ms=4)
    f['hostname'] = builtin('hostname', hostname, ms=2)
    f['kernel.release'] = builtin('kernel.release', '6.1.0-18-amd64', ms=2)
    f['memory.total'] = fact('memory.total', gib(mem_kib * 1024),
                             f'MemTotal:       {mem_kib} kB', None, 3)
    f['timezone'] = fact('timezone', 'Etc/UTC', 'Etc/UTC\n', '/etc/timezone', 1)
    f['locale'] = fact('locale', 'C.UTF-8', 'C.UTF-8', '$LANG', 0)
    f['shell'] = fact('shell', '/bin/bash', '/bin/bash', '$SHELL', 0)
    f['libc'] = cmd('libc', ['ldd', '--version'], 'glibc 2.36',
                    'ldd (Debian GLIBC 2.36-9+deb12u4) 2.36\n' + LDD_TAIL, '/usr/bin/ldd', 6)
    f['runtime.python3'] = cmd('runtime.python3', ['python3', '--version'], '3.11.2',
                               'Python 3.11.2\n', '/usr/bin/python3', 21)
    f['runtime.node'] = cmd('runtime.node', ['node', '--version'], node, f'v{node}\n',
                            '/usr/bin/node', 38)
    f['runtime.perl'] = cmd('runtime.perl', ['perl', '-v'], '5.36.0', PERL, '/usr/bin/perl', 5)
    f['tool.git'] = cmd('tool.git', ['git', '--version'], '2.39.2', 'git version 2.39.2\n',
                        '/usr/bin/git', 4)
    f['tool.curl'] = cmd('tool.curl', ['curl', '--version'], '7.88.1',
                         curl('7.88.1', openssl, 'zlib/1.2.13 brotli/1.0.9 zstd/1.5.4 libidn2/2.3.3 libpsl/0.21.2 (+libidn2/2.3.3) libssh2/1.10.0 nghttp2/1.52.0 librtmp/2.3 OpenLDAP/2.5.13',
                              '2023-02-20', '7.88.1-10+deb12u5'),
                         '/usr/bin/curl', 9)
    f['tool.wget'] = cmd('tool.wget', ['wget', '--version'], '1.21.3', WGET_1213,
                         '/usr/bin/wget', 7)
    ossl = f'OpenSSL {openssl} {OPENSSL_DATE[openssl]}'
    f['tool.openssl'] = cmd('tool.openssl', ['openssl', 'version'], openssl,
                            f'{ossl} (Library: {ossl})\n',
                            '/usr/bin/openssl', 6)
    f['tool.ssh'] = cmd('tool.ssh', ['ssh', '-V'], '9.2p1',
                        f'OpenSSH_9.2p1 Debian-2+deb12u2, {ossl}\n',
                        '/usr/bin/ssh', 3)
    f['tool.rsync'] = cmd('tool.rsync', ['rsync', '--version'], '3.2.7', RSYNC_327,
                          '/usr/bin/rsync', 4)
    if docker_timeout:
        # The CLI hung (a stale credential helper or plugin): killed at the
        # probe timeout with nothing printed.
        f['tool.docker'] = fact('tool.docker', None, '', '/usr/bin/docker', 5001,
                                ['docker', '--version'], None, status='timeout')
    else:
        f['tool.docker'] = cmd('tool.docker', ['docker', '--version'], '24.0.7',
                               'Docker version 24.0.7, build afdd53b\n', '/usr/bin/docker', 27)
    compose = '/usr/libexec/docker/cli-plugins/docker-compose'
    f['tool.docker-compose'] = cmd('tool.docker-compose', [compose, '--version'], '2.21.0',
                                   'Docker Compose version v2.21.0\n', compose, 31)
    f['tool.jq'] = cmd('tool.jq', ['jq', '--version'], '1.6', 'jq-1.6\n', '/usr/bin/jq', 2)
    f['tool.bash'] = cmd('tool.bash', ['bash', '--version'], '5.2.15', BASH, '/usr/bin/bash', 3)
    f['tool.sudo'] = cmd('tool.sudo', ['sudo', '--version'], '1.9.13p3',
                         SUDO.format(v='1.9.13p3'), '/usr/bin/sudo', 5)
    f['tool.systemd'] = cmd('tool.systemd', ['systemctl', '--version'], systemd,
                            f'systemd 252 ({systemd})\n' + SYSTEMD_FEATURES_252,
                            '/usr/bin/systemctl', 4)
    major = pg.split('.')[0]
    f['service.postgresql'] = cmd('service.postgresql',
                                  ['/usr/lib/postgresql/*/bin/postgres', '--version'], pg,
                                  f'postgres (PostgreSQL) {pg} (Debian {pg}-0+deb12u1)\n',
                                  f'/usr/lib/postgresql/{major}/bin/postgres', 11)
    f['service.postgresql-client'] = cmd('service.postgresql-client', ['psql', '--version'], pg,
                                         f'psql (PostgreSQL) {pg} (Debian {pg}-0+deb12u1)\n',
                                         '/usr/bin/psql', 8)
    f['service.redis'] = cmd('service.redis', ['redis-server', '--version'], '7.0.15',
                             'Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=c4ad8bd4be8ff5c5\n',
                             '/usr/bin/redis-server', 4)
    f['service.redis-client'] = cmd('service.redis-client', ['redis-cli', '--version'], '7.0.15',
                                    'redis-cli 7.0.15\n', '/usr/bin/redis-cli', 3)
    f['service.nginx'] = cmd('service.nginx', ['/usr/sbin/nginx', '-v'], '1.22.1',
                             'nginx version: nginx/1.22.1\n', '/usr/sbin/nginx', 3)
    f['pkg.dpkg'] = cmd('pkg.dpkg', ['dpkg', '--version'], '1.21.22', DPKG_12122,
                        '/usr/bin/dpkg', 4)
    f['pkg.pip'] = cmd('pkg.pip', PIP_ARGV, '23.0.1', '23.0.1\n', '/usr/bin/python3', 64)
    for id_ in META:
        if id_ not in f:
            f[id_] = missing(id_)
    return f


NPM_10_2_4 = '''{
  "version": "10.2.4",
  "name": "npm",
  "description": "a package manager for JavaScript",
  "homepage": "https://docs.npmjs.com/",
  "author": "GitHub Inc.",
  "repository": {
    "type": "git",
    "url": "https://github.com/npm/cli.git"
  },
  "bugs": {
    "url": "https://github.com/npm/cli/issues"
  },
  "main": "./index.js",
  "bin": {
    "npm": "bin/npm-cli.js",
    "npx": "bin/npx-cli.js"
  },
  "license": "Artistic-2.0",
  "engines": {
    "node": "^18.17.0 || >=20.5.0"
  }
}
'''


def laptop(hostname):
    """An Ubuntu 24.04 developer laptop, collected locally."""
    f = {}
    f.update(os_release('Ubuntu 24.04 LTS', 'Ubuntu', '24.04', 'ubuntu'))
    f['arch'] = builtin('arch', 'x86_64')
    f['cpu.cores'] = builtin('cpu.cores', '12', ms=14)
    f['cpu.model'] = builtin('cpu.model', '13th Gen Intel(R) Core(TM) i7-1365U')
    f['hostname'] = builtin('hostname', hostname)
    f['kernel.release'] = builtin('kernel.release', '6.8.0-31-generic')
    mem = 33_324_130_304
    f['memory.total'] = fact('memory.total', gib(mem), str(mem), None, 9)
    f['timezone'] = fact('timezone', 'Europe/Berlin', 'Europe/Berlin\n', '/etc/timezone', 0)
    f['locale'] = fact('locale', 'en_US.UTF-8', 'en_US.UTF-8', '$LANG', 0)
    f['shell'] = fact('shell', '/usr/bin/zsh', '/usr/bin/zsh', '$SHELL', 0)
    f['libc'] = cmd('libc', ['ldd', '--version'], 'glibc 2.39',
                    'ldd (Ubuntu GLIBC 2.39-0ubuntu8.1) 2.39\n' + LDD_TAIL.replace('2022', '2024'),
                    '/usr/bin/ldd', 12)
    f['runtime.python3'] = cmd('runtime.python3', ['python3', '--version'], '3.12.3',
                               'Python 3.12.3\n', '/usr/bin/python3', 18)
    nvm = '/home/dev/.nvm/versions/node/v20.11.1'
    f['runtime.node'] = cmd('runtime.node', ['node', '--version'], '20.11.1', 'v20.11.1\n',
                            f'{nvm}/bin/node', 41, shadowed=['/usr/bin/node'])
    f['runtime.go'] = cmd('runtime.go', ['go', 'version'], '1.22.1',
                          'go version go1.22.1 linux/amd64\n', '/usr/local/go/bin/go', 15)
    f['runtime.java'] = fact('runtime.java', '21.0.3', 'JAVA_VERSION="21.0.3"',
                             '/usr/lib/jvm/java-21-openjdk-amd64/bin/../release', 0)
    f['runtime.rustc'] = cmd('runtime.rustc', ['rustc', '--version'], '1.77.2',
                             'rustc 1.77.2 (25ef9e3d8 2024-04-09)\n',
                             '/home/dev/.cargo/bin/rustc', 46)
    f['runtime.perl'] = cmd('runtime.perl', ['perl', '-v'], '5.38.2',
                            PERL.replace('version 36, subversion 0 (v5.36.0)',
                                         'version 38, subversion 2 (v5.38.2)')
                                .replace('54 registered', '51 registered')
                                .replace('1987-2022', '1987-2023'),
                            '/usr/bin/perl', 7)
    f['tool.git'] = cmd('tool.git', ['git', '--version'], '2.43.0', 'git version 2.43.0\n',
                        '/usr/bin/git', 5)
    f['tool.curl'] = cmd('tool.curl', ['curl', '--version'], '8.5.0',
                         curl('8.5.0', '3.0.13', 'zlib/1.3 brotli/1.1.0 zstd/1.5.5 libidn2/2.3.7 libpsl/0.21.2 (+libidn2/2.3.7) libssh/0.10.6/openssl/zlib nghttp2/1.59.0 librtmp/2.3 OpenLDAP/2.6.7',
                              '2023-12-06', '8.5.0-2ubuntu10.1'),
                         '/usr/bin/curl', 10)
    f['tool.wget'] = cmd('tool.wget', ['wget', '--version'], '1.21.4',
                         WGET_1213.replace('1.21.3', '1.21.4'), '/usr/bin/wget', 8)
    f['tool.openssl'] = cmd('tool.openssl', ['openssl', 'version'], '3.0.13',
                            'OpenSSL 3.0.13 30 Jan 2024 (Library: OpenSSL 3.0.13 30 Jan 2024)\n',
                            '/usr/bin/openssl', 6)
    f['tool.ssh'] = cmd('tool.ssh', ['ssh', '-V'], '9.6p1',
                        'OpenSSH_9.6p1 Ubuntu-3ubuntu13, OpenSSL 3.0.13 30 Jan 2024\n',
                        '/usr/bin/ssh', 4)
    f['tool.rsync'] = cmd('tool.rsync', ['rsync', '--version'], '3.2.7', RSYNC_327,
                          '/usr/bin/rsync', 4)
    f['tool.docker'] = cmd('tool.docker', ['docker', '--version'], '26.1.3',
                           'Docker version 26.1.3, build b72abbb\n', '/usr/bin/docker', 24)
    compose = '/usr/libexec/docker/cli-plugins/docker-compose'
    f['tool.docker-compose'] = cmd('tool.docker-compose', [compose, '--version'], '2.27.0',
                                   'Docker Compose version v2.27.0\n', compose, 29)
    f['tool.kubectl'] = cmd('tool.kubectl', ['kubectl', 'version', '--client'], '1.30.1',
                            'Client Version: v1.30.1\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\n',
                            '/usr/local/bin/kubectl', 52)
    f['tool.gh'] = cmd('tool.gh', ['gh', '--version'], '2.45.0',
                       'gh version 2.45.0 (2024-03-04)\nhttps://github.com/cli/cli/releases/tag/v2.45.0\n',
                       '/usr/bin/gh', 19)
    f['tool.make'] = cmd('tool.make', ['make', '--version'], '4.3', MAKE, '/usr/bin/make', 3)
    f['tool.gcc'] = cmd('tool.gcc', ['gcc', '--version'], '13.2.0',
                        'gcc (Ubuntu 13.2.0-23ubuntu4) 13.2.0\n' + GCC_TAIL.replace('2022', '2023'),
                        '/usr/bin/gcc', 6)
    f['tool.jq'] = cmd('tool.jq', ['jq', '--version'], '1.7.1', 'jq-1.7.1\n', '/usr/bin/jq', 2)
    f['tool.bash'] = cmd('tool.bash', ['bash', '--version'], '5.2.21',
                         BASH.replace('5.2.15', '5.2.21'), '/usr/bin/bash', 3)
    f['tool.tmux'] = cmd('tool.tmux', ['tmux', '-V'], '3.4', 'tmux 3.4\n', '/usr/bin/tmux', 2)
    f['tool.sudo'] = cmd('tool.sudo', ['sudo', '--version'], '1.9.15p5',
                         SUDO.format(v='1.9.15p5'), '/usr/bin/sudo', 4)
    f['tool.systemd'] = cmd('tool.systemd', ['systemctl', '--version'], '255.4-1ubuntu8',
                            'systemd 255 (255.4-1ubuntu8)\n' + SYSTEMD_FEATURES_252,
                            '/usr/bin/systemctl', 5)
    f['service.postgresql'] = cmd('service.postgresql',
                                  ['/usr/lib/postgresql/*/bin/postgres', '--version'], '16.2',
                                  'postgres (PostgreSQL) 16.2 (Ubuntu 16.2-1ubuntu4)\n',
                                  '/usr/lib/postgresql/16/bin/postgres', 10)
    f['service.postgresql-client'] = cmd('service.postgresql-client', ['psql', '--version'],
                                         '16.2', 'psql (PostgreSQL) 16.2 (Ubuntu 16.2-1ubuntu4)\n',
                                         '/usr/bin/psql', 8)
    f['service.redis'] = cmd('service.redis', ['redis-server', '--version'], '7.2.4',
                             'Redis server v=7.2.4 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=3d6b8d2bd2a4a8a2\n',
                             '/usr/bin/redis-server', 5)
    f['service.redis-client'] = cmd('service.redis-client', ['redis-cli', '--version'], '7.2.4',
                                    'redis-cli 7.2.4\n', '/usr/bin/redis-cli', 3)
    f['service.sqlite'] = cmd('service.sqlite', ['sqlite3', '--version'], '3.45.1',
                              '3.45.1 2024-01-30 16:01:20 e876e51a0ed5c5b3126f52e532044363a014bc594cfefa87ffb5b82257ccalt1 (64-bit)\n',
                              '/usr/bin/sqlite3', 3)
    f['pkg.dpkg'] = cmd('pkg.dpkg', ['dpkg', '--version'], '1.22.6',
                        DPKG_12122.replace('1.21.22', '1.22.6'), '/usr/bin/dpkg', 4)
    f['pkg.pip'] = cmd('pkg.pip', PIP_ARGV, '24.0', '24.0\n', '/usr/bin/python3', 71)
    f['pkg.npm'] = fact('pkg.npm', '10.2.4', NPM_10_2_4,
                        f'{nvm}/lib/node_modules/npm/bin/../package.json', 0)
    f['pkg.cargo'] = cmd('pkg.cargo', ['cargo', '--version'], '1.77.2',
                         'cargo 1.77.2 (e52e36006 2024-03-26)\n', '/home/dev/.cargo/bin/cargo', 39)
    for id_ in META:
        if id_ not in f:
            f[id_] = missing(id_)
    return f


def snapshot(name, address, transport, environment, collected_at, duration_ms, facts):
    assert set(facts) == set(META), set(META) ^ set(facts)
    return {
        'schema_version': 1,
        'paritty_version': local['paritty_version'],
        'profile': local['profile'],
        'host': {'name': name, 'address': address, 'transport': transport,
                 'labels': {'environment': environment, 'example': 'true'}},
        'collected_at': collected_at,
        'duration_ms': duration_ms,
        'facts': dict(sorted(facts.items())),
    }


XEON = 'Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz'
files = {
    'prod-web-1.json': snapshot(
        'example-prod-web-1', '10.0.4.21', 'ssh', 'prod', '2026-11-20T09:14:02Z', 1184,
        debian_server('prod-web-1', cpu=XEON, cores=8, mem_kib=32_863_780, pg='15.6',
                      node='18.19.0', systemd='252.22-1~deb12u1', openssl='3.0.11')),
    'staging-web-1.json': snapshot(
        'example-staging-web-1', '10.0.5.21', 'ssh', 'staging', '2026-11-20T09:14:02Z', 5362,
        debian_server('staging-web-1', cpu=XEON, cores=4, mem_kib=16_375_132, pg='15.7',
                      node='18.20.2', systemd='252.22-1~deb12u2', openssl='3.0.13',
                      docker_timeout=True)),
    'laptop-dev.json': snapshot(
        'example-laptop-dev', None, 'local', 'dev', '2026-11-20T09:12:47Z', 418,
        laptop('dev-laptop')),
}
for name, snap in files.items():
    with open(f'{OUT}/{name}', 'w') as out:
        out.write(json.dumps(snap, indent=2, ensure_ascii=False) + '\n')
    print(name, len(snap['facts']))
