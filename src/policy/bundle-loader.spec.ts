import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadPolicyBundle,
  loadPolicyContent,
  PolicyBundleError,
  validatePolicyTexts,
} from './bundle-loader.js';
import { POLICY_FILES } from './bundle.types.js';

describe('policy bundle loader', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'filet-policies-'));
    await cp('policies', dir, { recursive: true });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function edit(file: string, from: string, to: string): Promise<void> {
    const text = await readFile(join(dir, file), 'utf8');
    expect(text).toContain(from);
    await writeFile(join(dir, file), text.replace(from, to));
  }

  async function problems(): Promise<string[]> {
    try {
      await loadPolicyBundle(dir);
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyBundleError);
      return (error as PolicyBundleError).problems.map(
        (p) => `${p.file}:${p.line} ${p.path}: ${p.message}`,
      );
    }
    return [];
  }

  it("loads the repository's bundle and hashes its canonical content", async () => {
    const bundle = await loadPolicyBundle('policies');
    expect(bundle.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(bundle.taxonomy.categories)).toContain('location.shelter');
    // Formatting is not content: re-indenting a file keeps the hash.
    await edit('thresholds.yaml', '# Eligibility', '\n\n# Eligibility');
    expect((await loadPolicyBundle(dir)).hash).toBe(bundle.hash);
    await edit('thresholds.yaml', 'min: 7\n', 'min: 8\n');
    expect((await loadPolicyBundle(dir)).hash).not.toBe(bundle.hash);
  });

  it('names the file and line of a reference to an unknown category', async () => {
    const text = await readFile(join(dir, 'exceptions.yaml'), 'utf8');
    // The first test's categories list: identity, contact, location, location.shelter (index 3).
    const line = text.split('\n').findIndex((l) => l === '      - location.shelter') + 1;
    await edit('exceptions.yaml', '      - location.shelter\n', '      - location.shelterr\n');
    const found = await problems();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      new RegExp(
        `^exceptions.yaml:${line} tests\\.qc-public-59\\.1\\.categories\\.3: unknown category "location.shelterr"`,
      ),
    );
  });

  it('names a syntax error with its line', async () => {
    await edit('regimes.yaml', 'QC-A-2.1:', 'QC-A-2.1: [');
    expect((await problems())[0]).toMatch(/^regimes.yaml:\d+ \(syntax\)/);
  });

  it('refuses a missing file', async () => {
    await rm(join(dir, 'thresholds.yaml'));
    expect(await problems()).toEqual(['thresholds.yaml:1 (file): file missing']);
  });

  it('refuses an unknown sector and an engine rule left undescribed, all at once', async () => {
    await edit('sectors.yaml', '  shelter:\n', '  shelterz:\n');
    await edit('rules.yaml', '  R-HOLDER-APPROVAL:', '  R-HOLDER-APPROVALS:');
    const found = await problems();
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sectors.yaml:\d+ sectors\.shelter: expected a mapping/),
        expect.stringMatching(/^sectors.yaml:\d+ sectors\.shelterz: unknown sector "shelterz"/),
        expect.stringMatching(
          /^rules.yaml:\d+ rules: rule R-HOLDER-APPROVAL is evaluated by the engine but not described/,
        ),
      ]),
    );
  });

  it('refuses a misspelt key that would switch a protection off', async () => {
    await edit(
      'exceptions.yaml',
      '    specialCategoryRequiresIncapacity: true',
      '    specialCategoryRequiresIncapacty: true',
    );
    expect(await problems()).toEqual([
      expect.stringMatching(
        /^exceptions.yaml:\d+ tests\.uk-vital-interests\.specialCategoryRequiresIncapacty: unknown key/,
      ),
    ]);
  });

  describe('a bundle given as file texts (an upload)', () => {
    async function texts(): Promise<Record<string, string>> {
      const entries = await Promise.all(
        POLICY_FILES.map(async (name) => [name, await readFile(join(dir, name), 'utf8')] as const),
      );
      return Object.fromEntries(entries);
    }

    function textProblems(files: Record<string, string>): string[] {
      try {
        validatePolicyTexts(files);
      } catch (error) {
        expect(error).toBeInstanceOf(PolicyBundleError);
        return (error as PolicyBundleError).problems.map(
          (p) => `${p.file}:${p.line} ${p.path}: ${p.message}`,
        );
      }
      return [];
    }

    it('gives the same content, hence the same hash, as the directory', async () => {
      expect(validatePolicyTexts(await texts())).toEqual(await loadPolicyContent(dir));
    });

    it('finds the same problems, with file and line, as on disk', async () => {
      await edit('exceptions.yaml', '      - location.shelter\n', '      - location.shelterr\n');
      expect(textProblems(await texts())).toEqual(await problems());
    });

    it('names a missing file and a file a bundle does not have', async () => {
      const { 'thresholds.yaml': _gone, ...rest } = await texts();
      expect(textProblems({ ...rest, 'thresholds.yml': 'thresholds: {}' })).toEqual([
        expect.stringMatching(/^thresholds\.yml:1 \(file\): unknown file/),
        'thresholds.yaml:1 (file): file missing',
      ]);
    });

    it('refuses values JSON cannot carry, and YAML too deep to read, as problems', async () => {
      const files = await texts();
      files['taxonomy.yaml'] = files['taxonomy.yaml'].replace(
        '        maxLength: 200\n',
        '        maxLength: .inf\n',
      );
      expect(textProblems(files)).toEqual([
        expect.stringMatching(
          /^taxonomy\.yaml:\d+ categories\.identity\.fields\.name\.maxLength: value not representable/,
        ),
      ]);
      const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
      expect(textProblems({ ...(await texts()), 'rules.yaml': deep })).toEqual([
        expect.stringMatching(/^rules\.yaml:1 \((syntax|root)\)/),
      ]);
    });
  });
});
