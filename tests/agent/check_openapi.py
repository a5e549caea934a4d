#!/usr/bin/env python3
"""docs/agent-api.openapi.yaml and docs/agent-api.md describe every endpoint of API v1 with its
methods. Parses the YAML with PyYAML when installed (then also checks OpenAPI 3.0, the security
scheme and that every $ref resolves); without it, checks the text for every path.
Usage: check_openapi.py SOURCE_DIR"""
import os
import re
import sys

src = sys.argv[1]
# The endpoints the agent serves (backend/remote/server/Routes.cpp, RoutesJobs.cpp).
ENDPOINTS = {
    '/node': {'get'},
    '/devices': {'get'},
    '/mounts': {'get'},
    '/capabilities': {'get'},
    '/plan': {'post'},
    '/driver-states': {'get'},
    '/sriov/{pf}': {'get'},
    '/sriov/{pf}/impact': {'get'},
    '/domains': {'get', 'post'},
    '/domains/{name}/xml': {'get'},
    '/jobs': {'get', 'post'},
    '/jobs/{id}': {'get'},
}
problems = []
yaml_path = os.path.join(src, 'docs', 'agent-api.openapi.yaml')
md_path = os.path.join(src, 'docs', 'agent-api.md')
text = open(yaml_path, encoding='utf-8').read()
md = open(md_path, encoding='utf-8').read()

try:
    import yaml
except ImportError:
    yaml = None

if yaml:
    doc = yaml.safe_load(text)
    if not str(doc.get('openapi', '')).startswith('3.0'):
        problems.append('openapi is not 3.0.x')
    if 'bearerToken' not in doc.get('components', {}).get('securitySchemes', {}):
        problems.append('no bearer security scheme')
    paths = doc.get('paths', {})
    for path, methods in ENDPOINTS.items():
        if path not in paths:
            problems.append(f'{path} missing')
            continue
        have = {m for m in paths[path] if m in ('get', 'post', 'put', 'delete', 'patch')}
        if have != methods:
            problems.append(f'{path}: methods {sorted(have)}, expected {sorted(methods)}')
    for extra in set(paths) - set(ENDPOINTS):
        problems.append(f'{extra} is not served by the agent')
    # Every $ref resolves.
    for ref in set(re.findall(r'\$ref:\s*"#/([^"]+)"', text)):
        node = doc
        for part in ref.split('/'):
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            problems.append(f'$ref #/{ref} does not resolve')
else:
    print('check_openapi: PyYAML not installed, checking the text only')
    for path in ENDPOINTS:
        if not re.search(r'^  ' + re.escape(path) + r':\s*$', text, re.M):
            problems.append(f'{path} missing')

for path, methods in ENDPOINTS.items():
    for m in methods:
        if f'### {m.upper()} /api/v1{path.replace("{pf}", "{pf}")}' not in md:
            problems.append(f'docs/agent-api.md has no section "### {m.upper()} /api/v1{path}"')

for p in problems:
    print(p)
print(f'{len(problems)} problem(s)')
sys.exit(1 if problems else 0)
