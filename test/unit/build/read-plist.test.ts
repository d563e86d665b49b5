import { expect, test } from 'vitest';
import { parsePlist, parsePlistDict } from '../../../build/read-plist.js';

test('reads the value types Info.plist and entitlements use, with comments and entities', () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- a comment <key>ignored</key> -->
<plist version="1.0">
<dict>
  <key>CFBundleIdentifier</key><string>sh.onecli.launcher</string>
  <key>LSUIElement</key><true/>
  <key>NSHighResolutionCapable</key><false/>
  <key>Count</key><integer>42</integer>
  <key>Ratio</key><real>1.5</real>
  <key>Name</key><string>A &amp; B &lt;x&gt; &#233;</string>
  <key>Empty</key><string/>
  <key>List</key><array><string>a</string><dict><key>k</key><true/></dict><array/></array>
  <key>ElectronAsarIntegrity</key>
  <dict><key>Resources/app.asar</key><dict><key>algorithm</key><string>SHA256</string></dict></dict>
  <key>Nothing</key><dict/>
</dict>
</plist>`;
  expect(parsePlist(xml)).toEqual({
    CFBundleIdentifier: 'sh.onecli.launcher',
    LSUIElement: true,
    NSHighResolutionCapable: false,
    Count: 42,
    Ratio: 1.5,
    Name: 'A & B <x> é',
    Empty: '',
    List: ['a', { k: true }, []],
    ElectronAsarIntegrity: { 'Resources/app.asar': { algorithm: 'SHA256' } },
    Nothing: {},
  });
});

test('a compact one-line plist (as codesign --xml prints it) reads the same', () => {
  expect(parsePlistDict('<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>a</key><true/></dict></plist>')).toEqual({ a: true });
});

test('malformed input throws instead of reading as an empty set', () => {
  expect(() => parsePlist('<plist><dict><key>a</key></dict></plist>')).toThrow(/unexpected <\/dict>|expected/);
  expect(() => parsePlist('<plist><dict><key>a</key><true/>')).toThrow(/end of document/);
  expect(() => parsePlist('<plist><dict><string>x</string></dict></plist>')).toThrow(/expected <key>/);
  expect(() => parsePlistDict('<plist><array/></plist>')).toThrow(/not a <dict>/);
});
