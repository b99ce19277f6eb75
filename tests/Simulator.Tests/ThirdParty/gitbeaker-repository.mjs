// Drives the simulator's repository with gitbeaker (@gitbeaker/rest), a GitLab client that is not ours: files, cherry-picks,
// compare, real merge request diffs, merges on shared and on separate lines, diff positions and note edits. Prints what it
// saw as one JSON object; Simulator.Tests checks it against the simulator's state.
// Usage: GITLAB_URL=http://127.0.0.1:8929 GITLAB_TOKEN=... node gitbeaker-repository.mjs
import { Gitlab } from '@gitbeaker/rest';

const api = new Gitlab({ host: process.env.GITLAB_URL, token: process.env.GITLAB_TOKEN });
const shop = 1;

// What a refused call looked like to gitbeaker: the HTTP status and GitLab's message.
async function refusal(call) {
  try {
    await call();
    return null;
  } catch (error) {
    return { status: error.cause?.response?.status, description: error.cause?.description };
  }
}

const written = await api.RepositoryFiles.create(shop, 'docs/gitbeaker.md', 'main', '# From gitbeaker\n', 'Add a doc from gitbeaker');
const shownFile = await api.RepositoryFiles.show(shop, 'docs/gitbeaker.md', 'main');
const raw = await api.RepositoryFiles.showRaw(shop, 'docs/gitbeaker.md', 'main');

const express = await api.Branches.show(shop, 'express-checkout');
const speedup = await api.Branches.show(shop, 'checkout-speedup');
await api.Branches.create(shop, 'gitbeaker/batch', 'main');
const picked = await api.Commits.cherryPick(shop, express.commit.id, 'gitbeaker/batch');
const conflicting = await refusal(() => api.Commits.cherryPick(shop, speedup.commit.id, 'gitbeaker/batch'));

const compared = await api.Repositories.compare(shop, 'main', 'fix-cart-discounts');
const diffs = await api.MergeRequests.allDiffs(shop, 2);

const refs = (await api.MergeRequests.show(shop, 2)).diff_refs;
const at = (line) => ({
  base_sha: refs.base_sha,
  start_sha: refs.start_sha,
  head_sha: refs.head_sha,
  position_type: 'text',
  old_path: 'src/checkout.py',
  new_path: 'src/checkout.py',
  new_line: line,
});
const placed = await api.MergeRequestDiscussions.create(shop, 2, 'Why a default here?', { position: at(16) });
const misplaced = await refusal(() => api.MergeRequestDiscussions.create(shop, 2, 'Nothing changed here', { position: at(2) }));

const note = await api.MergeRequestNotes.create(shop, 1, 'Looks good');
const editedNote = await api.MergeRequestNotes.edit(shop, 1, note.id, { body: 'Looks good, merging' });

const mergedFirst = await api.MergeRequests.merge(shop, 1);
const mergedSecond = await api.MergeRequests.merge(shop, 2);
await api.MergeRequests.edit(shop, 3, { title: 'Speed up the checkout page' });
const refusedThird = await refusal(() => api.MergeRequests.merge(shop, 3));

console.log(JSON.stringify({
  written: { filePath: written.file_path, branch: written.branch },
  shownFile: { encoding: shownFile.encoding, content: shownFile.content, lastCommitId: shownFile.last_commit_id },
  raw: typeof raw === 'string' ? raw : await raw.text(),
  picked: { id: picked.id, message: picked.message, parentIds: picked.parent_ids },
  conflicting,
  compared: { commits: compared.commits.map((commit) => commit.id), paths: compared.diffs.map((diff) => diff.new_path) },
  diffs: diffs.map((diff) => ({ newPath: diff.new_path, newFile: diff.new_file, diff: diff.diff })),
  placed: { notes: placed.notes.map((item) => ({ type: item.type, newLine: item.position?.new_line })) },
  misplaced,
  editedNote: { id: editedNote.id, body: editedNote.body },
  noteId: note.id,
  merged: [mergedFirst.state, mergedSecond.state],
  refusedThird,
}));
