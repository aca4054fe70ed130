// Compile Python sources to .pyc with Pyodide's own CPython, run under Node (the host has no
// CPython of the same version, and a .pyc is only valid for the exact interpreter that reads it).
//
//   node pyc_compile.mjs INDEX_URL MODE IN_ZIP OUT_ZIP
//
// IN_ZIP holds sources, each entry named as the file the interpreter will import it from
// (e.g. "/lib/python314.zip/json/decoder.py"); OUT_ZIP gets one entry per source, same name
// with ".pyc": an unchecked hash-based pyc (PEP 552: no timestamp, the source never re-read),
// so the same sources always give the same bytes.
//
// MODE "full": as CPython compiles by default (docstrings, asserts, line and column table).
// MODE "lines" (the calculator): the same code, asserts and docstrings kept, but the location
// table holds lines only, not columns (as `python -X no_debug_ranges` compiles: tracebacks
// give the line without the ^^^ marks); checked to give every instruction the same line.
// MODE "lean" (the browser's stdlib, ~40% fewer compressed bytes): compiled as `python -OO`
// does (no docstrings, no asserts), and each code object's line table reduced to one line, the
// line of its `def`/`class` (tracebacks through the stdlib name the function, not the line).
import { readFileSync, writeFileSync } from "node:fs";

const [indexURL, mode, inZip, outZip] = process.argv.slice(2);
const { loadPyodide } = await import("file://" + indexURL + "pyodide.mjs");
const pyodide = await loadPyodide({ indexURL, stdout: () => {}, stderr: (t) => process.stderr.write(t + "\n") });
pyodide.FS.writeFile("/tmp/in.zip", readFileSync(inZip));
pyodide.globals.set("mode", mode);
pyodide.runPython(`
import importlib.util, types, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

NO_COLUMNS = 13  # PY_CODE_LOCATION_INFO_NO_COLUMNS (Objects/locations.md): a line delta only


def one_line_table(code_units):
    """A location table giving every instruction the code object's first line."""
    table = bytearray()
    while code_units > 0:
        n = min(code_units, 8)  # an entry covers 1 to 8 code units
        table += bytes([0x80 | (NO_COLUMNS << 3) | (n - 1), 0])  # line delta 0 (svarint)
        code_units -= n
    return bytes(table)


NO_LOCATION = 15  # PY_CODE_LOCATION_INFO_NONE


def varint(value, table):
    while value >= 64:
        table.append(0x40 | (value & 0x3F))
        value >>= 6
    table.append(value)


def lines_table(code):
    """The location table of \`code\` with lines only (Objects/locations.md)."""
    table, previous = bytearray(), code.co_firstlineno
    for start, end, line in code.co_lines():
        units = (end - start) // 2
        while units > 0:
            n = min(units, 8)
            if line is None:
                table.append(0x80 | (NO_LOCATION << 3) | (n - 1))
            else:
                table.append(0x80 | (NO_COLUMNS << 3) | (n - 1))
                delta = line - previous
                varint((-delta << 1) | 1 if delta < 0 else delta << 1, table)
                previous = line
            units -= n
    return bytes(table)


def lean(code):
    consts = tuple(lean(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_consts=consts, co_linetable=one_line_table(len(code.co_code) // 2))


def lines_only(code):
    consts = tuple(lines_only(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    new = code.replace(co_consts=consts, co_linetable=lines_table(code))
    if list(new.co_lines()) != list(code.co_lines()):
        raise SystemExit(f"{code.co_filename}:{code.co_firstlineno}: the lines-only table differs")
    return new


if mode not in ("full", "lines", "lean"):
    raise SystemExit(f"unknown mode {mode!r}")
with zipfile.ZipFile("/tmp/in.zip") as src, zipfile.ZipFile("/tmp/out.zip", "w", zipfile.ZIP_STORED) as dst:
    for name in sorted(src.namelist()):
        source = src.read(name)
        code = compile(source, name, "exec", dont_inherit=True, optimize=2 if mode == "lean" else 0)
        if mode == "lean":
            code = lean(code)
        elif mode == "lines":
            code = lines_only(code)
        pyc = _code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False)
        dst.writestr(zipfile.ZipInfo(name[:-3] + ".pyc", date_time=(1980, 1, 1, 0, 0, 0)), bytes(pyc))
`);
writeFileSync(outZip, pyodide.FS.readFile("/tmp/out.zip"));
