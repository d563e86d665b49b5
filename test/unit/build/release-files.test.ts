import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { APP_ID } from '../../../src/shared/product.js';
import { loadBuilderConfig, ROOT } from './builder-config.js';

interface Step {
  name?: string;
  if?: string;
  run?: string;
  uses?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; if?: string; permissions?: Record<string, string>; steps: Step[] }>;
}

const workflowText = readFileSync(path.join(ROOT, '.github/workflows/release-macos.yml'), 'utf8');
const workflow = parseYaml(workflowText) as Workflow;
const steps = workflow.jobs.macos?.steps ?? [];
const runOf = (pattern: RegExp) => steps.filter((s) => s.run && pattern.test(s.run));

describe('release-macos.yml', () => {
  test('every build/ script it runs exists', () => {
    const scripts = [...workflowText.matchAll(/build\/[\w-]+\.ts/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThanOrEqual(6);
    for (const script of new Set(scripts)) expect(existsSync(path.join(ROOT, script)), script).toBe(true);
  });

  test('runs on macOS, with the Electron binary made present after npm ci, and both architectures’ natives', () => {
    expect(workflow.jobs.macos?.['runs-on']).toMatch(/^macos-/);
    const order = ['npm ci', 'node node_modules/electron/install.js', 'build/fetch-darwin-natives.ts', 'npm run build', 'electron-builder --mac'].map((cmd) =>
      steps.findIndex((s) => s.run?.includes(cmd)),
    );
    expect(
      order.every((i) => i >= 0),
      JSON.stringify(order),
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test('the signed build and the unsigned one are mutually exclusive; only the unsigned one sets identity=null', () => {
    const builds = runOf(/electron-builder --mac/);
    expect(builds).toHaveLength(2);
    const signed = builds.find((s) => s.if === "steps.signing.outputs.signed == 'true'");
    const unsigned = builds.find((s) => s.if === "steps.signing.outputs.signed != 'true'");
    expect(signed?.run).toContain('--publish never');
    expect(signed?.run).not.toContain('identity');
    expect(unsigned?.run).toContain('-c.mac.identity=null');
    expect(unsigned?.run).toContain('-c.mac.notarize=false');
    expect(workflowText).not.toMatch(/identity=["']?-/); // never ad-hoc
  });

  test('every signature check runs only when signed; layout, fuses and the unpackaged smoke spec always run', () => {
    for (const cmd of [/check-designated-requirement/, /check-entitlements/, /check-code-signature/, /spctl/, /\bopen -a "\$app"/]) {
      const found = runOf(cmd);
      expect(found.length, String(cmd)).toBeGreaterThan(0);
      for (const s of found) expect(s.if, `${String(cmd)} in "${s.name}"`).toBe("steps.signing.outputs.signed == 'true'");
    }
    for (const cmd of [/check-bundle-layout/, /check-fuses/, /vitest run test\/electron/]) {
      const found = runOf(cmd);
      expect(found.length, String(cmd)).toBeGreaterThan(0);
      for (const s of found) expect(s.if, String(cmd)).toBeUndefined();
    }
  });

  test('pull requests never sign, and tags refuse to go on unsigned', () => {
    const decide = steps.find((s) => s.name === 'Decide whether to sign');
    expect(decide?.run).toMatch(/"\$EVENT" = "pull_request"/);
    const refuse = steps.find((s) => s.if === "startsWith(github.ref, 'refs/tags/')");
    expect(refuse?.run).toMatch(/SIGNED.*!= "true".*exit 1/s);
  });

  test('the signed app is smoke-tested through LaunchServices: health check, quit, port closed', () => {
    const smoke = runOf(/\bopen -a "\$app"/)[0]?.run ?? '';
    expect(smoke).toContain('/healthz');
    expect(smoke).toMatch(/ditto "\$app" \/Applications\/OneCLI\.app/); // installed first, so it never offers to move itself
    expect(smoke).toContain(`osascript -e 'quit app "OneCLI"'`);
    expect(smoke).toMatch(/nc -z 127\.0\.0\.1 "\$GATEWAY_PORT"/);
    expect(smoke).not.toMatch(/playwright/i);
  });

  test('only the draft-release job can write, and only on tags', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.jobs.macos?.permissions).toBeUndefined();
    expect(workflow.jobs['draft-release']).toMatchObject({ if: "startsWith(github.ref, 'refs/tags/v')", permissions: { contents: 'write' } });
    expect(JSON.stringify(workflow.jobs['draft-release'])).toContain('--draft');
  });
});

describe('Casks/onecli.rb', () => {
  const cask = readFileSync(path.join(ROOT, 'Casks/onecli.rb'), 'utf8');

  test('installs OneCLI.app and declares that it updates itself', () => {
    expect(cask).toMatch(/^\s*app "OneCLI\.app"$/m);
    expect(cask).toMatch(/^\s*auto_updates true$/m);
  });

  test('downloads the dmg electron-builder names, for each architecture', () => {
    expect(loadBuilderConfig().mac?.artifactName).toBe('${productName}-${version}-${arch}.${ext}');
    expect(cask).toContain('arch arm: "arm64", intel: "x64"');
    expect(cask).toMatch(/url "https:\/\/github\.com\/onecli\/onecli-launcher\/releases\/download\/v#\{version\}\/OneCLI-#\{version\}-#\{arch\}\.dmg"/);
  });

  test('zap removes the app’s data, named by product name and bundle id', () => {
    for (const p of [
      '~/Library/Application Support/OneCLI',
      `~/Library/Preferences/${APP_ID}.plist`,
      `~/Library/Caches/${APP_ID}.ShipIt`,
      '~/Library/Logs/OneCLI',
    ]) {
      expect(cask).toContain(`"${p}"`);
    }
    expect(cask).toContain(`uninstall quit: "${APP_ID}"`);
  });
});
