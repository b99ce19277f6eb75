// Drives the simulator with gitbeaker (@gitbeaker/rest), a GitLab client that is not ours, and prints
// what it saw as one JSON object. Simulator.Tests runs it and checks the output against the simulator's state.
// Usage: GITLAB_URL=http://127.0.0.1:8929 GITLAB_TOKEN=... node gitbeaker-flows.mjs
import { Gitlab } from '@gitbeaker/rest';

const host = process.env.GITLAB_URL;
const token = process.env.GITLAB_TOKEN;
const viaToken = new Gitlab({ host, token });
const viaBearer = new Gitlab({ host, oauthToken: token });

const project = await viaToken.Projects.show('demo/shop');

const created = [];
for (let n = 1; n <= 23; n += 1) {
  created.push(await viaToken.Issues.create(project.id, `gitbeaker issue ${n}`, { labels: 'gitbeaker', description: `made by gitbeaker #${n}` }));
}
const updated = await viaBearer.Issues.edit(project.id, created[0].iid, {
  title: 'gitbeaker issue 1 (renamed)',
  addLabels: 'reviewed',
  stateEvent: 'close',
});
const openLabelled = await viaToken.Issues.all({ projectId: project.id, labels: 'gitbeaker', state: 'opened', perPage: 5 });
const secondPage = await viaToken.Issues.all({ projectId: project.id, labels: 'gitbeaker', perPage: 5, page: 2, showExpanded: true });
const shownIssue = await viaToken.Issues.show(created[1].iid, { projectId: project.id });
await viaToken.IssueNotes.create(project.id, created[1].iid, 'noted by gitbeaker');
const issueNotes = await viaToken.IssueNotes.all(project.id, created[1].iid);

await viaToken.Branches.create(project.id, 'gitbeaker/feature', 'main');
const mr = await viaToken.MergeRequests.create(project.id, 'gitbeaker/feature', 'main', 'gitbeaker merge request', { labels: 'gitbeaker' });
const editedMr = await viaBearer.MergeRequests.edit(project.id, mr.iid, { title: 'gitbeaker merge request (edited)', addLabels: 'ready' });
const pushed = await viaToken.Commits.create(project.id, 'gitbeaker/feature', 'Change the cart from gitbeaker', [
  { action: 'update', filePath: 'src/cart.py', content: 'total = 0\n' },
]);
const versions = await viaToken.MergeRequests.allDiffVersions(project.id, mr.iid);
const openMrs = await viaToken.MergeRequests.all({ projectId: project.id, state: 'opened', perPage: 1 });
const shownMr = await viaToken.MergeRequests.show(project.id, mr.iid);

let missing;
try {
  await viaToken.Issues.show(999999, { projectId: project.id });
} catch (error) {
  missing = { status: error.cause?.response?.status, description: error.cause?.description };
}

console.log(JSON.stringify({
  project: { id: project.id, pathWithNamespace: project.path_with_namespace },
  createdIids: created.map((issue) => issue.iid),
  updated: { iid: updated.iid, title: updated.title, state: updated.state, labels: updated.labels },
  openLabelledIids: openLabelled.map((issue) => issue.iid),
  secondPage: { iids: secondPage.data.map((issue) => issue.iid), pagination: secondPage.paginationInfo },
  shownIssue: { iid: shownIssue.iid, title: shownIssue.title, description: shownIssue.description },
  issueNoteBodies: issueNotes.map((note) => note.body),
  mergeRequest: { iid: mr.iid, sourceBranch: mr.source_branch, targetBranch: mr.target_branch },
  editedMergeRequest: { title: editedMr.title, labels: editedMr.labels },
  pushedSha: pushed.id,
  newestVersionHeadSha: versions[0].head_commit_sha,
  openMergeRequestIids: openMrs.map((item) => item.iid),
  shownMergeRequest: { iid: shownMr.iid, title: shownMr.title, state: shownMr.state, sha: shownMr.sha },
  missing,
}));
