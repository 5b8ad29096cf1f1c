import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLIP, makeCameraClips } from './fixtures/camera-clip.ts';
import { tempDir } from './helpers/archive.ts';
import { custody } from './helpers/cli.ts';

interface Listed {
  id: string;
  paths: { path: string }[];
  overlay: { start: string | null; device: string | null; confidence: number } | null;
  cluster: string | null;
  faces: number | null;
}

/**
 * The analysis jobs end to end, as a script would run them: ingest a camera clip and a cut of
 * it, `process --wait` runs every job for real (tesseract, the fingerprint index, the face
 * detector), and the item list, `items similar`, `items faces`, `items overlay` and `jobs`
 * report what was found; a correction is recorded and the archive still verifies.
 */
describe('the analysis jobs from the command line', () => {
  let data: string;
  let original: Listed;
  let cut: Listed;
  const run = async (...args: string[]) => {
    const r = await custody(['--data', data, '--json', ...args]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as unknown;
  };

  beforeAll(async () => {
    const drive = path.join(await tempDir('camera'), 'drive');
    makeCameraClips(drive, { original: 'camera.mp4', cut: 'cut.mp4' });
    data = path.join(await tempDir('camera-archive'), 'archive');
    expect((await custody(['init', data])).code).toBe(0);
    await run('ingest', drive, '--acquisition', 'camera');
    const processed = (await run('process', '--wait')) as { queued: number; failed: number };
    expect(processed).toMatchObject({ queued: 10, failed: 0 });
    const items = (await run('items', 'list')) as Listed[];
    const byName = (name: string): Listed => {
      const found = items.find((i) => i.paths[0]?.path === name);
      if (found === undefined) throw new Error(`no ${name}`);
      return found;
    };
    original = byName('camera.mp4');
    cut = byName('cut.mp4');
  }, 300_000);

  it('reads the overlay of both, and finds the faces', () => {
    expect(original.overlay).toMatchObject({ start: CLIP.start, device: CLIP.device });
    expect(original.overlay?.confidence).toBeGreaterThan(0.5);
    // The cut starts 4 s later on the camera's clock.
    expect(cut.overlay).toMatchObject({ start: '2020-02-18T14:22:09', device: CLIP.device });
    expect(original.faces).toBeGreaterThanOrEqual(2);
    expect(cut.faces).toBeGreaterThanOrEqual(1);
  });

  it('puts the cut and its original in one cluster, with the cut’s place', async () => {
    expect(original.cluster).not.toBeNull();
    expect(cut.cluster).toBe(original.cluster);
    const similar = (await run('items', 'similar', cut.id)) as {
      cluster: string;
      similar: { itemId: string; relation: string; offsetSeconds: number; otherRange: number[] }[];
    };
    expect(similar.cluster).toBe(original.cluster);
    expect(similar.similar).toHaveLength(1);
    const [match] = similar.similar;
    expect(match).toMatchObject({ itemId: original.id, relation: 'cut-of' });
    expect(match?.offsetSeconds).toBeCloseTo(CLIP.cutFrom, 0);
    expect(match?.otherRange[0]).toBeGreaterThan(3.4);
    expect(match?.otherRange[1]).toBeLessThan(9.6);
  });

  it('lists face tracks with their boxes', async () => {
    const faces = (await run('items', 'faces', original.id)) as {
      faces: { tracks: { start: number; end: number; boxes: number[][] }[] };
    };
    expect(faces.faces.tracks.length).toBe(original.faces);
    for (const track of faces.faces.tracks) {
      expect(track.end).toBeGreaterThan(track.start);
      for (const [, x = 0, y = 0, w = 0, h = 0] of track.boxes) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(x + w).toBeLessThanOrEqual(1.0001);
        expect(y + h).toBeLessThanOrEqual(1.0001);
      }
    }
  });

  it('shows every job done with its progress, filtered by item', async () => {
    const jobs = (await run('jobs', '--item', original.id)) as {
      jobs: { name: string; state: string; progress: { fraction: number } | null }[];
    };
    expect(jobs.jobs.map((j) => j.name).sort()).toEqual([
      'media.faces',
      'media.fingerprint',
      'media.overlay',
      'media.proxy',
      'media.thumbnails',
    ]);
    expect(jobs.jobs.every((j) => j.state === 'completed')).toBe(true);
    for (const name of ['media.faces', 'media.fingerprint', 'media.overlay', 'media.proxy'])
      expect(jobs.jobs.find((j) => j.name === name)?.progress?.fraction).toBeGreaterThan(0);
  });

  it('records a correction of the overlay, keeps it across a re-run, and still verifies', async () => {
    const corrected = (await run(
      'items',
      'overlay',
      original.id,
      '--device',
      'ДОЗОР-77 №0124',
    )) as {
      overlay: { start: string; device: string; source: string };
    };
    expect(corrected.overlay).toMatchObject({
      start: CLIP.start,
      device: 'ДОЗОР-77 №0124',
      source: 'manual',
    });
    const bad = await custody([
      '--data',
      data,
      'items',
      'overlay',
      original.id,
      '--start',
      '2020-02-31 10:00:00',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/REQUEST.INVALID|real date/);
    const shown = (await run('items', 'show', original.id)) as { custody: { action: string }[] };
    expect(shown.custody.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'overlay.read',
        'overlay.corrected',
        'fingerprint.computed',
        'faces.detected',
      ]),
    );
    const listed = (await run('items', 'list', '--device', 'ДОЗОР-77 №0124')) as Listed[];
    expect(listed.map((i) => i.id)).toEqual([original.id]);
    const verified = await custody(['--data', data, 'verify']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  });

  it('redacts, reviews and releases from the command line, and writes the static site', async () => {
    const as = async (actor: string, ...args: string[]) => {
      const r = await custody(['--data', data, '--json', ...args], { CUSTODY_ACTOR: actor });
      return {
        ...r,
        json: r.code === 0 ? (JSON.parse(r.stdout) as Record<string, unknown>) : null,
      };
    };
    const created = await as('ana', 'redactions', 'create', original.id, '--title', 'corridor');
    expect(created.code, created.stderr).toBe(0);
    const r = created.json as { id: string; version: number; spec: { masks: unknown[] } };
    expect(r.spec.masks.length).toBe(original.faces);
    const spec = path.join(await tempDir('spec'), 'spec.json');
    await fs.writeFile(
      spec,
      JSON.stringify({ ...r.spec, audio: [{ start: 1, end: 2, mode: 'mute' }] }),
    );
    expect(
      (await as('ana', 'redactions', 'set', r.id, '--version', '1', '--spec', spec)).code,
    ).toBe(0);
    const rendered = await as('ana', 'redactions', 'render', r.id, '--wait');
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(rendered.json).toMatchObject({
      status: 'rendered',
      render: { version: 2, current: true },
    });
    const note = ['--note', 'checked the flagged frames'];
    const own = await as(
      'ana',
      'redactions',
      'review',
      r.id,
      '--version',
      '2',
      '--approve',
      ...note,
    );
    expect(own.code).toBe(4);
    expect(own.stderr).toMatch(/REDACTION.OWN_WORK/);
    const approved = await as(
      'boris',
      'redactions',
      'review',
      r.id,
      '--version',
      '2',
      '--approve',
      ...note,
    );
    expect(approved.code, approved.stderr).toBe(0);
    const release = await as(
      'ana',
      ...['releases', 'create', '--title', 'Коридор', '--audience', 'public'],
      ...[
        '--embargo',
        '2020-01-01T00:00:00Z',
        '--warning',
        'Насилие',
        '--video',
        `${r.id}::Коридор`,
      ],
    );
    expect(release.code, release.stderr).toBe(0);
    const id = (release.json as { id: string }).id;
    expect((await as('ana', 'releases', 'submit', id, '--version', '1')).code).toBe(0);
    expect((await as('ana', 'releases', 'approve', id, '--version', '1')).code).toBe(4);
    const out = await as('boris', 'releases', 'approve', id, '--version', '1');
    expect(out.json).toMatchObject({ status: 'approved', published: true });
    const site = path.join(await tempDir('site'), 'site');
    const written = await as('ana', 'releases', 'site', '--out', site);
    expect(written.json).toMatchObject({ releases: 1, videos: 1 });
    const page = await fs.readFile(path.join(site, 'ru', `${id}.html`), 'utf8');
    expect(page).toContain('Насилие');
    expect(page).not.toContain('camera.mp4');
    const verified = await custody(['--data', data, 'verify']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  }, 120_000);
});
