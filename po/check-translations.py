#!/usr/bin/env python3
# check-translations.py — are the translations complete and POTFILES.in current?
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-translations.py SOURCE_ROOT [BUILD_ROOT]
#
# Prints TAP. Checks that
#   - every file listed in po/POTFILES.in exists;
#   - every file under src/ and data/ with translatable strings is listed
#     (files named in po/POTFILES.skip are exempt);
#   - every language in po/LINGUAS has a .po file, and every .po file is listed;
#   - xgettext extracts a template from the sources, the same way meson's
#     i18n.gettext(preset: 'glib') does, without errors;
#   - for each language: msgfmt --check accepts the .po file and it has no fuzzy
#     or untranslated message; merged against the freshly extracted template it
#     still has none (so a new or changed source string without a translation
#     fails here); mnemonics, format directives and keyword lists are kept.
#
# The source tree is never written: the fresh template and the merged
# catalogues live in a temporary directory (under BUILD_ROOT if given).

import os
import re
import shutil
import subprocess
import sys
import tempfile

# meson's i18n PRESET_ARGS['glib'] (mesonbuild/modules/i18n.py), plus the
# arguments mesonbuild/scripts/gettext.py adds itself.
XGETTEXT_GLIB_ARGS = [
    '--from-code=UTF-8',
    '--add-comments',
    '-k_',
    '--keyword=_',
    '--keyword=N_',
    '--keyword=C_:1c,2',
    '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2',
    '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format',
    '--flag=C_:2:pass-c-format',
    '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format',
    '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format',
    '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format',
    '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format',
    '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format',
    '--flag=g_printerr:1:c-format',
    '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format',
    '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]

SCANNED_DIRS = ('src', 'data')


class Tap:
    def __init__(self):
        self.results = []

    def add(self, ok, description, diagnostics=()):
        self.results.append((bool(ok), description, list(diagnostics)))

    def finish(self):
        print(f'1..{len(self.results)}')
        for number, (ok, description, diagnostics) in enumerate(self.results, 1):
            print(f'{"ok" if ok else "not ok"} {number} - {description}')
            for line in diagnostics:
                for part in str(line).splitlines() or ['']:
                    print(f'# {part}')
        sys.stdout.flush()
        return 0 if all(ok for ok, _, _ in self.results) else 1


def bail_out(reason):
    print(f'Bail out! {reason}')
    sys.exit(1)


def read_list(path):
    """Lines of a POTFILES.in/POTFILES.skip/LINGUAS-style file, without comments."""
    entries = []
    try:
        with open(path, encoding='utf-8') as f:
            for line in f:
                line = line.split('#', 1)[0].strip()
                if not line:
                    continue
                # "[encoding: UTF-8]" lines and "[type: gettext/glade] file" prefixes
                line = re.sub(r'^\[[^\]]*\]\s*', '', line)
                if line:
                    entries.append(line)
    except FileNotFoundError:
        pass
    return entries


def read_linguas(path):
    return [lang for line in read_list(path) for lang in line.split()]


# Finding translatable strings {{{

C_LIKE_CALL = re.compile(
    r'(?<![\w.])(?:_|N_|C_|NC_|Q_|gettext|ngettext|dgettext|dngettext|dcgettext|pgettext|npgettext'
    r'|g_dgettext|g_dngettext|g_dcgettext|g_dpgettext|g_dpgettext2)\s*\(')


def strip_c_comments_and_strings(text):
    """Blanks out comments and the contents of string/char literals, and drops
    #define lines, so that only real calls like _("…") match."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('//', i):
            j = text.find('\n', i)
            i = n if j < 0 else j
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            i = n if j < 0 else j + 2
            out.append(' ')
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return '\n'.join(line for line in ''.join(out).split('\n')
                     if not re.match(r'\s*#\s*define\b', line))


def has_markers(relpath, text):
    name = os.path.basename(relpath)

    if re.search(r'\.desktop(\.in)*$', name):
        return re.search(r'^(Name|GenericName|Comment|Keywords|X-GNOME-FullName)=', text, re.M) is not None
    if re.search(r'\.gschema\.xml(\.in)*$', name):
        return re.search(r'<(summary|description)\b', text) is not None
    if re.search(r'\.(metainfo|appdata)\.xml(\.in)*$', name):
        return re.search(r'<(name|summary|p|li|caption|keyword|developer_name)\b(?![^>]*translate="no")',
                         text) is not None
    if re.search(r'\.policy(\.in)*$', name):
        return re.search(r'<(message|description)\b', text) is not None
    if re.search(r'\.(ui|xml)(\.in)*$', name):
        return re.search(r'translatable\s*=\s*["\'](yes|true|1)["\']', text, re.I) is not None
    if re.search(r'\.blp$', name):
        return re.search(r'(?<![\w.])C?_\s*\(', text) is not None
    if re.search(r'\.(c|h|cc|cpp|cxx|hh|hpp|vala|js|rs)(\.in)*$', name):
        return C_LIKE_CALL.search(strip_c_comments_and_strings(text)) is not None
    if re.search(r'\.py(\.in)*$', name):
        code = re.sub(r'#.*', '', text)
        return re.search(r'(?<![\w.])(?:_|N_|C_|gettext|ngettext|pgettext)\s*\(', code) is not None
    return False


def files_with_markers(source_root):
    found = []
    for top in SCANNED_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(source_root, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
            for filename in sorted(filenames):
                path = os.path.join(dirpath, filename)
                relpath = os.path.relpath(path, source_root).replace(os.sep, '/')
                try:
                    with open(path, encoding='utf-8') as f:
                        text = f.read()
                except (UnicodeDecodeError, OSError):
                    continue  # images and other binary files
                if has_markers(relpath, text):
                    found.append(relpath)
    return found

# }}}

# Catalogues {{{


def po_unquote(lines):
    value = ''
    for line in lines:
        s = line[line.index('"') + 1:line.rindex('"')]
        value += re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), s)
    return value


def read_po(path):
    """Entries of a .po/.pot file as dicts: flags, msgctxt, msgid, msgid_plural,
    msgstr (list), obsolete. Enough for diagnostics; msgfmt stays the judge."""
    entries = []
    with open(path, encoding='utf-8') as f:
        blocks = f.read().split('\n\n')
    for block in blocks:
        entry = {'flags': set(), 'msgstr': [], 'obsolete': False}
        fields = {}
        current = None
        for line in block.split('\n'):
            if line.startswith('#~'):
                entry['obsolete'] = True
                line = line[2:].lstrip()
            elif line.startswith('#,'):
                entry['flags'].update(flag.strip() for flag in line[2:].split(','))
                continue
            elif line.startswith('#') or not line.strip():
                continue
            m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s', line)
            if m:
                current = m.group(1)
                fields[current] = [line]
            elif current:
                fields[current].append(line)
        if 'msgid' not in fields:
            continue
        entry['msgctxt'] = po_unquote(fields['msgctxt']) if 'msgctxt' in fields else None
        entry['msgid'] = po_unquote(fields['msgid'])
        entry['msgid_plural'] = po_unquote(fields['msgid_plural']) if 'msgid_plural' in fields else None
        entry['msgstr'] = [po_unquote(v) for k, v in sorted(fields.items()) if k.startswith('msgstr')]
        if entry['msgid'] == '' and entry['msgctxt'] is None:
            continue  # header
        entries.append(entry)
    return entries


def describe(entry):
    text = entry['msgid'] if len(entry['msgid']) <= 70 else entry['msgid'][:67] + '…'
    return f'[{entry["msgctxt"]}] "{text}"' if entry['msgctxt'] else f'"{text}"'


def incomplete(entries):
    fuzzy = [e for e in entries if not e['obsolete'] and 'fuzzy' in e['flags']]
    untranslated = [e for e in entries
                    if not e['obsolete'] and 'fuzzy' not in e['flags'] and any(s == '' for s in e['msgstr'])]
    return fuzzy, untranslated


def msgfmt_check(msgfmt, po_path):
    """Returns (ok, statistics line, diagnostics)."""
    result = subprocess.run([msgfmt, '--check', '--statistics', '-o', os.devnull, po_path],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = result.stdout.strip()
    stats = output.splitlines()[-1] if output else ''
    counts = {}
    for number, kind in re.findall(r'(\d+) (translated|fuzzy|untranslated)', stats):
        counts[kind] = int(number)
    ok = result.returncode == 0 and counts.get('fuzzy', 0) == 0 and counts.get('untranslated', 0) == 0
    diagnostics = [] if ok else output.splitlines()
    return ok, stats, counts, diagnostics


def has_mnemonic(text):
    """One "_" before a letter: "_Sign Out", "Sign Out of _Browser Too", "Ü_ber"."""
    return text.count('_') == 1 and re.search(r'_[^\W_]', text) is not None


def sanity_problems(entries):
    problems = []
    for entry in entries:
        if entry['obsolete'] or 'fuzzy' in entry['flags']:
            continue
        sources = [entry['msgid']] + ([entry['msgid_plural']] if entry['msgid_plural'] else [])
        for msgstr in entry['msgstr']:
            if msgstr == '' or entry['msgid'] == 'translator-credits':
                continue
            if has_mnemonic(sources[0]) and not has_mnemonic(msgstr):
                problems.append(f'{describe(entry)}: the translation should have exactly one mnemonic "_"')
            if ';' in sources[0] and sources[0].endswith(';') and not msgstr.endswith(';'):
                problems.append(f'{describe(entry)}: a keyword list must end with ";"')
            if '\n' not in sources[0] and '\n' in msgstr:
                problems.append(f'{describe(entry)}: the translation has a line break the original has not')
    return problems

# }}}


def main(argv):
    if len(argv) < 2:
        print(f'usage: {argv[0]} SOURCE_ROOT [BUILD_ROOT]', file=sys.stderr)
        return 2
    source_root = os.path.abspath(argv[1])
    build_root = os.path.abspath(argv[2]) if len(argv) > 2 else None
    po_dir = os.path.join(source_root, 'po')

    tools = {}
    for tool in ('xgettext', 'msgfmt', 'msgmerge'):
        tools[tool] = os.environ.get(tool.upper()) or shutil.which(tool)
        if not tools[tool]:
            bail_out(f'{tool} not found (install gettext)')

    package = 'orgdesk'
    try:
        with open(os.path.join(source_root, 'meson.build'), encoding='utf-8') as f:
            m = re.search(r"project\s*\(\s*'([^']+)'", f.read())
            if m:
                package = m.group(1)
    except OSError:
        pass

    tap = Tap()

    # POTFILES.in {{{
    potfiles_path = os.path.join(po_dir, 'POTFILES.in')
    if not os.path.exists(potfiles_path):
        bail_out('po/POTFILES.in does not exist')
    listed = read_list(potfiles_path)
    skipped = set(read_list(os.path.join(po_dir, 'POTFILES.skip')))

    missing = [path for path in listed if not os.path.isfile(os.path.join(source_root, path))]
    tap.add(not missing, f'po/POTFILES.in: all {len(listed)} listed files exist',
            [f'listed but missing: {path}' for path in missing])

    duplicates = sorted({path for path in listed if listed.count(path) > 1})
    tap.add(not duplicates, 'po/POTFILES.in: no file is listed twice',
            [f'listed twice: {path}' for path in duplicates])

    with_markers = files_with_markers(source_root)
    unlisted = [path for path in with_markers if path not in listed and path not in skipped]
    tap.add(not unlisted,
            f'po/POTFILES.in lists every file under {"/, ".join(SCANNED_DIRS)}/ with translatable strings '
            f'({len(with_markers)} found)',
            [f'has translatable strings but is not in po/POTFILES.in: {path}' for path in unlisted])
    # }}}

    # LINGUAS {{{
    languages = read_linguas(os.path.join(po_dir, 'LINGUAS'))
    po_files = sorted(name[:-3] for name in os.listdir(po_dir) if name.endswith('.po'))
    problems = [f'po/LINGUAS lists {lang} but po/{lang}.po does not exist'
                for lang in languages if lang not in po_files]
    problems += [f'po/{lang}.po exists but is not listed in po/LINGUAS'
                 for lang in po_files if lang not in languages]
    tap.add(not problems, f'po/LINGUAS matches the .po files ({" ".join(languages) or "none"})', problems)
    # }}}

    temp_parent = None
    if build_root and os.path.isdir(build_root):
        temp_parent = os.path.join(build_root, 'po')
        os.makedirs(temp_parent, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix='check-translations-', dir=temp_parent) as temp:
        # A fresh template {{{
        # Only the listed files that exist (a missing one failed above already),
        # so one stale line doesn't hide the translation checks.
        existing_list = os.path.join(temp, 'POTFILES')
        with open(existing_list, 'w', encoding='utf-8') as f:
            f.writelines(f'{path}\n' for path in listed if path not in missing)
        fresh_pot = os.path.join(temp, f'{package}.pot')
        result = subprocess.run([tools['xgettext'], f'--package-name={package}', '-f', existing_list,
                                 '-D', source_root, '-o', fresh_pot] + XGETTEXT_GLIB_ARGS,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        have_pot = result.returncode == 0 and os.path.exists(fresh_pot)
        template = read_po(fresh_pot) if have_pot else []
        diagnostics = result.stdout.splitlines()
        committed_pot = os.path.join(po_dir, f'{package}.pot')
        if have_pot and os.path.exists(committed_pot):
            key = lambda e: (e['msgctxt'], e['msgid'], e['msgid_plural'])
            fresh_keys = {key(e) for e in template}
            committed_keys = {key(e) for e in read_po(committed_pot) if not e['obsolete']}
            if fresh_keys != committed_keys:
                diagnostics.append(f'note: po/{package}.pot is out of date '
                                   f'({len(fresh_keys - committed_keys)} new, '
                                   f'{len(committed_keys - fresh_keys)} gone); '
                                   f'regenerate it with "ninja -C BUILDDIR {package}-pot"')
        tap.add(have_pot, f'xgettext extracts a template from po/POTFILES.in ({len(template)} messages)',
                diagnostics)
        # }}}

        for lang in languages:
            po_path = os.path.join(po_dir, f'{lang}.po')
            if not os.path.exists(po_path):
                for what in ('is complete', 'covers the fresh template', 'keeps mnemonics and keyword lists'):
                    tap.add(False, f'po/{lang}.po {what}', ['file is missing'])
                continue

            # (b) the catalogue as committed
            ok, stats, counts, diagnostics = msgfmt_check(tools['msgfmt'], po_path)
            if not ok:
                fuzzy, untranslated = incomplete(read_po(po_path))
                diagnostics += [f'fuzzy: {describe(e)}' for e in fuzzy]
                diagnostics += [f'untranslated: {describe(e)}' for e in untranslated]
            tap.add(ok, f'po/{lang}.po passes msgfmt --check with no fuzzy or untranslated message ({stats})',
                    diagnostics)

            # (c) the catalogue against what the sources say today
            merged = os.path.join(temp, f'{lang}.po')
            if have_pot:
                result = subprocess.run([tools['msgmerge'], '--quiet', '--previous', '-o', merged,
                                         po_path, fresh_pot],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                if result.returncode != 0:
                    tap.add(False, f'po/{lang}.po translates every message of the fresh template',
                            result.stdout.splitlines())
                else:
                    ok, stats, counts, diagnostics = msgfmt_check(tools['msgfmt'], merged)
                    if not ok:
                        fuzzy, untranslated = incomplete(read_po(merged))
                        diagnostics += [f'fuzzy: {describe(e)}' for e in fuzzy]
                        diagnostics += [f'untranslated: {describe(e)}' for e in untranslated]
                        diagnostics.append(f'new or changed source strings need translating: run '
                                           f'"ninja -C BUILDDIR {package}-update-po" and translate po/{lang}.po')
                    tap.add(ok, f'po/{lang}.po translates every message of the fresh template ({stats})',
                            diagnostics)
            else:
                tap.add(False, f'po/{lang}.po translates every message of the fresh template',
                        ['no fresh template (see above)'])

            problems = sanity_problems(read_po(po_path))
            tap.add(not problems, f'po/{lang}.po keeps mnemonics and keyword lists', problems)

    return tap.finish()


if __name__ == '__main__':
    sys.exit(main(sys.argv))
