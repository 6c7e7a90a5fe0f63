#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the Flatpak manifest: flatpak-builder must parse it, and the sandbox
must stay as narrow as intended.

Usage: check-manifest.py FLATPAK_BUILDER MANIFEST
"""

import json
import os
import subprocess
import sys
import tempfile

REQUIRED_FINISH_ARGS = {
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
}

# libsecret goes through the Secret portal inside the sandbox; direct access
# to the host keyring would expose every secret of the user.
FORBIDDEN_NAMES = {'org.freedesktop.secrets'}


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2

    flatpak_builder, manifest_path = argv[1], argv[2]

    # --show-manifest parses the manifest (and any included files) and prints
    # the result as JSON; it fails on syntax errors.
    # It creates a .flatpak-builder/ state dir in the working directory, so
    # run it in a throwaway one.
    with tempfile.TemporaryDirectory(prefix='orgdesk-fpb-') as workdir:
        proc = subprocess.run([flatpak_builder, '--show-manifest',
                               os.path.abspath(manifest_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, cwd=workdir)
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        print(f'flatpak-builder --show-manifest failed ({proc.returncode})',
              file=sys.stderr)
        return 1

    manifest = json.loads(proc.stdout)
    errors = []

    # Unknown properties are only warned about, and then silently dropped.
    for line in proc.stderr.splitlines():
        if 'Unknown property' in line:
            errors.append(line.strip())

    app_id = manifest.get('id') or manifest.get('app-id')
    if app_id != 'io.github.orgdesk.Orgdesk':
        errors.append(f'unexpected app id {app_id!r}')
    if manifest.get('command') != 'orgdesk':
        errors.append(f'unexpected command {manifest.get("command")!r}')

    finish_args = manifest.get('finish-args', [])
    for arg in sorted(REQUIRED_FINISH_ARGS - set(finish_args)):
        errors.append(f'missing finish-arg {arg}')

    for arg in finish_args:
        if not arg.startswith(('--talk-name', '--own-name', '--system-talk-name')):
            continue
        name = arg.split('=', 1)[1] if '=' in arg else ''
        if name in FORBIDDEN_NAMES:
            errors.append(f'forbidden finish-arg {arg} (use the Secret portal)')

    for error in errors:
        print(f'{manifest_path}: {error}', file=sys.stderr)
    if errors:
        return 1

    print(f'{manifest_path}: OK ({len(finish_args)} finish-args)')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
