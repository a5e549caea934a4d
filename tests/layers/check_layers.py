#!/usr/bin/env python3
"""The layering of docs/architecture.md, checked on the sources: which folder may include which,
which names never appear above the node boundary, and what the service target links.
Usage: check_layers.py SOURCE_DIR. Prints every violation; exit 1 when there is one."""
import os
import re
import sys

src = sys.argv[1]

# folder -> include prefixes it may use ("" = same-folder or test-local includes are not checked)
ALLOWED = {
    'backend/core': ['core/'],
    'backend/node/host': ['core/', 'node/host/'],
    'backend/sim': ['core/', 'node/host/', 'sim/'],
    'backend/node': ['core/', 'node/', 'sim/'],
    'backend/store': ['core/', 'store/'],
    'backend/service': ['core/', 'store/', 'service/'],
    'backend/remote/client': ['core/', 'remote/client/'],
    'backend/connect': ['core/', 'node/', 'remote/client/', 'connect/'],
    'backend/demo': ['core/', 'store/', 'service/', 'node/', 'sim/', 'demo/'],
    'models': ['core/', 'service/', 'models/'],
    'views': ['core/', 'service/', 'models/', 'views/'],
    'app/cli': ['core/', 'store/', 'service/', 'node/', 'sim/', 'demo/', 'connect/', 'cli/'],
}
# Above the node boundary nothing names the node side's types or its sysfs paths.
ABOVE_BOUNDARY = ['backend/service', 'models', 'views', 'app/gui']
FORBIDDEN = re.compile(r'\b(LocalNode|SysfsWriter|RealSysfsWriter|HostAccess|NodeHost|SimKernel|bindpaths)\b')
# Targets that must not link the node side or libpci (read from their CMakeLists.txt).
NO_NODE_LINK = ['backend/service', 'backend/store', 'backend/core', 'backend/remote/client', 'models', 'views']
NODE_TARGETS = re.compile(r'\b(passdeck_node|passdeck_hostaccess|passdeck_sim|PkgConfig::LIBPCI|passdeck_backend)\b')

include_re = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
problems = []


def folder_of(rel):
    best = None
    for f in ALLOWED:
        if rel.startswith(f + '/') and (best is None or len(f) > len(best)):
            best = f
    return best


for top in ('backend', 'models', 'views', 'app'):
    for dirpath, _, files in os.walk(os.path.join(src, top)):
        for name in files:
            if not name.endswith(('.h', '.cpp')):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, src)
            text = open(path, encoding='utf-8', errors='replace').read()
            folder = folder_of(rel)
            if folder:
                for inc in include_re.findall(text):
                    if inc.endswith('.moc'):
                        continue
                    if not any(inc.startswith(p) for p in ALLOWED[folder]):
                        problems.append(f'{rel}: includes "{inc}", which {folder}/ may not use')
            if any(rel.startswith(f + '/') for f in ABOVE_BOUNDARY):
                code = re.sub(r'//[^\n]*', '', text)
                for m in sorted(set(FORBIDDEN.findall(code))):
                    problems.append(f'{rel}: names {m}, which lives below the node boundary')

for folder in NO_NODE_LINK:
    cmake = os.path.join(src, folder, 'CMakeLists.txt')
    text = open(cmake).read()
    for line in text.splitlines():
        if 'target_link_libraries' in line and NODE_TARGETS.search(line):
            problems.append(f'{folder}/CMakeLists.txt links {NODE_TARGETS.search(line).group(1)}')

for p in problems:
    print(p)
print(f'{len(problems)} layering problem(s)')
sys.exit(1 if problems else 0)
