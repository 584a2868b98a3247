// Package sources the language package fleet test makes itself, with no index or registry: pure
// Python wheels, npm tarballs, the files `gem build` turns into a gem on the host, and a PECL
// package (package.xml and a small C extension that `pecl install` builds there).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A pure-Python wheel (a zip with the module, METADATA, WHEEL and RECORD), made with python3's zipfile. */
export function wheel(dir: string, name: string, version: string): string {
  const file = `${name}-${version}-py3-none-any.whl`;
  const script = [
    'import base64, hashlib, sys, zipfile',
    'name, version, out = sys.argv[1:4]',
    'info = f"{name}-{version}.dist-info"',
    'files = {f"{name}/__init__.py": f"VERSION = {version!r}\\n",',
    '  f"{info}/METADATA": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n",',
    '  f"{info}/WHEEL": "Wheel-Version: 1.0\\nGenerator: halite-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}',
    'digest = lambda b: base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b"=").decode()',
    'record = [f"{p},sha256={digest(c.encode())},{len(c.encode())}" for p, c in files.items()] + [f"{info}/RECORD,,"]',
    'files[f"{info}/RECORD"] = "\\n".join(record) + "\\n"',
    'with zipfile.ZipFile(out, "w") as z:',
    '    [z.writestr(p, c) for p, c in files.items()]',
  ].join('\n');
  execFileSync('python3', ['-c', script, name, version, join(dir, file)]);
  return file;
}

/** An npm package tarball: package/package.json and package/index.js, gzipped. */
export function npmTarball(dir: string, name: string, version: string): string {
  const src = join(dir, `src-${name}`, 'package');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'package.json'), JSON.stringify({ name, version, main: 'index.js', license: 'MIT' }));
  writeFileSync(join(src, 'index.js'), `module.exports = ${JSON.stringify(`${name} ${version}`)};\n`);
  const file = `${name}-${version}.tgz`;
  execFileSync('tar', ['-czf', join(dir, file), '-C', join(dir, `src-${name}`), 'package']);
  return file;
}

const GEMSPEC = `Gem::Specification.new do |s|
  s.name = "halitedemo"
  s.version = "1.0.0"
  s.summary = "A gem built by the halite fleet test"
  s.authors = ["halite"]
  s.license = "MIT"
  s.files = ["lib/halitedemo.rb"]
end
`;

/** The gemspec and the library of the gem the host builds. */
export const GEM_FILES: Record<string, string> = {
  'halitedemo.gemspec': GEMSPEC,
  'lib/halitedemo.rb': 'module Halitedemo; VERSION = "1.0.0"; end\n',
};

const PACKAGE_XML = `<?xml version="1.0" encoding="UTF-8"?>
<package version="2.0" xmlns="http://pear.php.net/dtd/package-2.0">
 <name>halitedemo</name>
 <channel>pecl.php.net</channel>
 <summary>A test extension</summary>
 <description>An extension built by the halite fleet test.</description>
 <lead><name>halite</name><user>halite</user><email>halite@example.org</email><active>yes</active></lead>
 <date>2026-01-01</date>
 <version><release>1.0.0</release><api>1.0.0</api></version>
 <stability><release>stable</release><api>stable</api></stability>
 <license uri="https://opensource.org/licenses/MIT">MIT</license>
 <notes>First release.</notes>
 <contents>
  <dir name="/">
   <file name="config.m4" role="src"/>
   <file name="halitedemo.c" role="src"/>
  </dir>
 </contents>
 <dependencies><required><php><min>7.0.0</min></php><pearinstaller><min>1.4.0</min></pearinstaller></required></dependencies>
 <providesextension>halitedemo</providesextension>
 <extsrcrelease/>
</package>
`;

const CONFIG_M4 = `PHP_ARG_ENABLE([halitedemo], [whether to enable halitedemo],
  [AS_HELP_STRING([--enable-halitedemo], [Enable halitedemo])], [yes])
if test "$PHP_HALITEDEMO" != "no"; then
  PHP_NEW_EXTENSION(halitedemo, halitedemo.c, $ext_shared)
fi
`;

/** One function, halitedemo_version(), returning "1.0.0". */
const EXTENSION_C = `#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "php.h"

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_halitedemo_version, 0, 0, IS_STRING, 0)
ZEND_END_ARG_INFO()

PHP_FUNCTION(halitedemo_version)
{
    ZEND_PARSE_PARAMETERS_NONE();
    RETURN_STRING("1.0.0");
}

static const zend_function_entry halitedemo_functions[] = {
    PHP_FE(halitedemo_version, arginfo_halitedemo_version)
    PHP_FE_END
};

zend_module_entry halitedemo_module_entry = {
    STANDARD_MODULE_HEADER, "halitedemo", halitedemo_functions,
    NULL, NULL, NULL, NULL, NULL, "1.0.0", STANDARD_MODULE_PROPERTIES
};

#ifdef COMPILE_DL_HALITEDEMO
ZEND_GET_MODULE(halitedemo)
#endif
`;

/** halitedemo-1.0.0.tgz: package.xml beside the halitedemo-1.0.0/ sources, as pecl packages are laid out. */
export function peclPackage(dir: string): string {
  const src = join(dir, 'src-pecl');
  mkdirSync(join(src, 'halitedemo-1.0.0'), { recursive: true });
  writeFileSync(join(src, 'package.xml'), PACKAGE_XML);
  writeFileSync(join(src, 'halitedemo-1.0.0', 'config.m4'), CONFIG_M4);
  writeFileSync(join(src, 'halitedemo-1.0.0', 'halitedemo.c'), EXTENSION_C);
  const file = 'halitedemo-1.0.0.tgz';
  execFileSync('tar', ['-czf', join(dir, file), '-C', src, 'package.xml', 'halitedemo-1.0.0']);
  return file;
}
