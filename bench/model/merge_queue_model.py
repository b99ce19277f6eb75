#!/usr/bin/env python3
"""A discrete-event model of the merge queue, in simulated minutes, to compare queueing policies before coding them and
to bound what any policy can reach. It is a design aid, not a benchmark: the figures that count are the C# benchmark's
(`bash scripts/bench.sh --scenario merge-queue`), which this model matched within a few per cent when calibrated.

Model: pipelines take PIPELINE minutes, building a batch BUILD minutes, landing one LAND minutes (one at a time);
merge requests arrive evenly over an hour; a pipeline fails exactly when its tree holds a broken merge request; a broken
one is rejected after MAX_STRIKES failing pipelines were blamed on it. Policies:

  held     a failed batch is bisected by prefixes tested at once on the target while the queue waits (GitLabBus before
           2026-12-01's change)
  beside   the main line never waits: suspects are narrowed down by one probe at a time on the target beside it, struck
           merge requests are tested alone beside it, a passing probe lands itself only when nothing else is on its way
           (GitLabBus now)
  oracle   knows which merge requests are broken: batches only the others, tests each broken one alone MAX_STRIKES times
           beside them. No queue can do better; it bounds the others.

Usage: python3 bench/model/merge_queue_model.py [--merge-requests 100] [--seeds 20]
"""
import argparse
import heapq
import itertools
import random
from functools import lru_cache

PIPELINE, BUILD, LAND, MAX_STRIKES = 10.0, 0.5, 0.5, 3


class Queue:
    def __init__(self, n, broken_pct, batch, parallel, policy, seed=None):
        self.t, self.events, self.seq = 0.0, [], itertools.count()
        count = sum(1 for i in range(n) if broken_pct and (i * broken_pct) // 100 != ((i + 1) * broken_pct) // 100)
        self.broken = set(random.Random(seed).sample(range(n), count)) if seed is not None else {
            i for i in range(n) if broken_pct and (i * broken_pct) // 100 != ((i + 1) * broken_pct) // 100}
        self.n, self.batch, self.parallel, self.policy = n, batch, parallel, policy
        self.waiting, self.batches, self.groups = {}, [], []
        self.number = self.pipelines = self.merged = self.rejected = self.landings = 0
        self.window, self.merging = 0, False
        for i in range(n):
            self.at(i * 60.0 / n, "arrive", i)

    def at(self, t, kind, item):
        heapq.heappush(self.events, (t, next(self.seq), kind, item))

    def run(self):
        while self.events and self.merged + self.rejected < self.n:
            self.t, _, kind, item = heapq.heappop(self.events)
            getattr(self, "on_" + kind)(item)
            self.policy.advance(self)
        return self.merged / (self.t / 60), self.pipelines / max(1, self.merged)

    def on_arrive(self, i):
        self.waiting[i] = {"enqueued": self.t, "strikes": 0, "batch": None, "cleared": False}

    def start(self, members, base, kind="main", prefix=None):
        self.number += 1
        b = {"number": self.number, "members": list(members), "base": base, "kind": kind, "prefix": prefix,
             "state": "building", "alive": True, "landings": self.landings}
        self.batches.append(b)
        self.at(self.t + BUILD, "built", b)
        return b

    def on_built(self, b):
        if b["alive"]:
            b["state"] = "testing"
            self.pipelines += 1
            self.at(self.t + PIPELINE, "tested", b)

    def tree(self, b):
        members, base = list(b["members"]), b["base"]
        while base is not None:
            members += base["members"]
            base = base["base"]
        return members

    def on_tested(self, b):
        if b["alive"]:
            b["state"] = "failed" if any(m in self.broken for m in self.tree(b)) else "passed"
            self.policy.tested(self, b)

    def discard(self, b):
        b["alive"] = False
        if b in self.batches:
            self.batches.remove(b)
        for m in b["members"]:
            if m in self.waiting and self.waiting[m]["batch"] is b:
                self.waiting[m]["batch"] = None

    def land(self, b):
        b["state"], self.merging = "merging", True
        self.at(self.t + LAND, "landed", b)

    def on_landed(self, b):
        self.merging = False
        self.landings += 1
        if b in self.batches:
            self.batches.remove(b)
        for other in self.batches:
            if other["base"] is b:
                other["base"] = None
        for m in b["members"]:
            if m in self.waiting:
                del self.waiting[m]
                self.merged += 1
        self.policy.landed(self, b)

    def strike(self, m, failures):
        entry = self.waiting[m]
        entry["strikes"], entry["batch"], entry["cleared"] = min(MAX_STRIKES, entry["strikes"] + failures), None, False
        if entry["strikes"] >= MAX_STRIKES:
            del self.waiting[m]
            self.rejected += 1

    def oldest(self, keep):
        return sorted((m for m in self.waiting if keep(m)), key=lambda m: (self.waiting[m]["enqueued"], m))

    def in_flight(self):
        return sum(1 for b in self.batches if b["state"] in ("building", "testing"))

    def lane_tip(self):
        lane = [b for b in self.batches if b["kind"] == "main" or b["state"] == "merging"]
        return max(lane, key=lambda b: b["number"]) if lane else None


def prefix_lengths(n, parallel):
    count = max(1, min(parallel, n - 1))
    return sorted({min(max(round(i * n / (count + 1)), 1), n - 1) for i in range(1, count + 1)})


@lru_cache(None)
def expected_pipelines(n, strikes_needed):
    if n == 1:
        return strikes_needed, 1
    best = (float("inf"), 1)
    for k in range(1, n):
        cost = 1 + k / n * expected_pipelines(k, max(0, strikes_needed - 1))[0] + (n - k) / n * expected_pipelines(n - k, strikes_needed)[0]
        if cost < best[0] - 1e-9:
            best = (cost, k)
    return best


class Held:
    def tested(self, q, b):
        if b["state"] == "failed" and b["prefix"] is None:
            q.window = 1
            for other in [o for o in q.batches if o["prefix"] is None and o["number"] > b["number"]]:
                q.discard(other)

    def landed(self, q, b):
        if b["prefix"] is None:
            q.window = min(q.parallel, q.window + 1) if q.window else 0
        if q.groups and q.groups[0].get("awaiting"):
            q.groups[0]["awaiting"] = False
            self.round(q)

    def round(self, q):
        group = q.groups[0]
        if q.merging:
            group["awaiting"] = True
            return
        for k in prefix_lengths(len(group["members"]), q.parallel):
            q.start(group["members"][:k], None, "probe", k)

    def advance(self, q):
        while True:
            mains = [b for b in q.batches if b["prefix"] is None]
            if not mains:
                break
            front = min(mains, key=lambda b: b["number"])
            if front["state"] == "passed" and not q.merging:
                q.land(front)
            if front["state"] != "failed":
                break
            q.discard(front)
            if len(front["members"]) == 1:
                q.strike(front["members"][0], 1)
            else:
                for m in front["members"]:
                    q.waiting[m]["batch"] = "suspect"
                q.groups = [{"members": list(front["members"]), "failures": 1}]
                self.round(q)
        self.judge(q)
        if not q.groups:
            self.start_batches(q)

    def judge(self, q):
        probes = [b for b in q.batches if b["prefix"] is not None and b["state"] != "merging"]
        if not q.groups or q.groups[0].get("awaiting") or not probes or any(b["state"] not in ("passed", "failed") for b in probes):
            return
        group = q.groups[0]
        passed = {b["prefix"]: b["state"] == "passed" for b in probes}
        land = max([k for k, ok in passed.items() if ok] or [0])
        first_failing = min([k for k, ok in passed.items() if not ok and k > land] or [len(group["members"])])
        lander = next((b for b in probes if b["prefix"] == land and b["state"] == "passed"), None)
        for b in probes:
            if b is not lander:
                q.discard(b)
        for m in group["members"][first_failing:]:
            q.waiting[m]["batch"] = None
        group["failures"] += sum(1 for ok in passed.values() if not ok)
        suspects = group["members"][land:first_failing]
        if lander:
            for m in lander["members"]:
                q.waiting[m]["batch"] = lander
            q.land(lander)
        group["members"] = suspects
        if len(suspects) == 1:
            q.groups = []
            q.waiting[suspects[0]]["batch"] = None
            q.strike(suspects[0], group["failures"])
        elif lander:
            group["awaiting"] = True
        else:
            self.round(q)

    def start_batches(self, q):
        window = q.parallel if q.window == 0 else min(q.window, q.parallel)
        while len([b for b in q.batches if b["prefix"] is None]) < window:
            tip = q.lane_tip()
            if tip and tip["state"] in ("building", "failed"):
                return
            if tip and len(tip["members"]) == 1 and q.waiting.get(tip["members"][0], {}).get("strikes", 0) > 0:
                return
            free = q.oldest(lambda m: q.waiting[m]["batch"] is None)
            clean = [m for m in free if q.waiting[m]["strikes"] == 0][: q.batch]
            members = clean or free[:1]
            if not members:
                return
            b = q.start(members, tip)
            for m in members:
                q.waiting[m]["batch"] = b


class Beside:
    def tested(self, q, b):
        if b["kind"] == "main" and b["state"] == "failed":
            q.window = 1
            for other in [o for o in q.batches if o["kind"] == "main" and o["number"] > b["number"]]:
                q.discard(other)

    def landed(self, q, b):
        if b["kind"] == "main":
            q.window = min(q.parallel, q.window + 1) if q.window else 0

    def advance(self, q):
        while True:
            mains = [b for b in q.batches if b["kind"] == "main"]
            if not mains:
                break
            front = min(mains, key=lambda b: b["number"])
            if front["state"] == "passed" and not q.merging:
                q.land(front)
            if front["state"] != "failed":
                break
            q.discard(front)
            members = [m for m in front["members"] if m in q.waiting]
            group = {"members": members, "failures": 1, "probe": None}
            q.groups.append(group)
            for m in members:
                q.waiting[m]["batch"] = "suspect"
            if len(members) == 1:
                self.blame(q, group)
        for probe in [b for b in q.batches if b["kind"] == "probe" and b["state"] in ("passed", "failed")]:
            self.judge(q, probe)
        self.start_probes(q)
        self.start_lane(q)

    def blame(self, q, group):
        m = group["members"][0]
        failures, group["failures"] = group["failures"], 0
        q.strike(m, failures)
        if m in q.waiting:
            q.waiting[m]["batch"] = "suspect"
        else:
            q.groups.remove(group)

    def judge(self, q, probe):
        group = next(g for g in q.groups if g["probe"] is probe)
        group["probe"] = None
        k, passed = probe["prefix"], probe["state"] == "passed"
        alone = not any(b["kind"] == "main" or b["state"] == "merging" for b in q.batches if b is not probe)
        if passed and alone and probe["landings"] == q.landings and not q.merging:
            for m in probe["members"]:
                q.waiting[m]["batch"] = probe
            q.land(probe)
        else:
            q.discard(probe)
        if passed:
            for m in group["members"][:k]:
                if q.waiting[m]["batch"] == "suspect":
                    q.waiting[m]["batch"], q.waiting[m]["cleared"] = None, True
            group["members"] = group["members"][k:]
        else:
            group["failures"] += 1
            for m in group["members"][k:]:
                q.waiting[m]["batch"] = None
            group["members"] = group["members"][:k]
        if not group["members"]:
            q.groups.remove(group)
        elif len(group["members"]) == 1 and group["failures"] > 0:
            self.blame(q, group)

    def start_probes(self, q):
        for group in q.groups:
            if group["probe"] is not None:
                continue
            if q.in_flight() >= q.parallel:
                return
            n = len(group["members"])
            strikes = max(q.waiting[m]["strikes"] for m in group["members"])
            k = 1 if n == 1 else expected_pipelines(n, max(0, MAX_STRIKES - strikes - group["failures"]))[1]
            group["probe"] = q.start(group["members"][:k], None, "probe", k)

    def start_lane(self, q):
        window = q.parallel if q.window == 0 else min(q.window, q.parallel)
        while len([b for b in q.batches if b["kind"] == "main"]) < window and q.in_flight() < q.parallel:
            tip = q.lane_tip()
            if tip and tip["state"] in ("building", "failed"):
                return
            members = q.oldest(lambda m: q.waiting[m]["batch"] is None)[: q.batch]
            if not members:
                return
            b = q.start(members, tip)
            for m in members:
                q.waiting[m]["batch"] = b


class Oracle:
    def tested(self, q, b):
        pass

    def landed(self, q, b):
        pass

    def advance(self, q):
        lane = sorted((b for b in q.batches if b["kind"] == "main"), key=lambda b: b["number"])
        if lane and lane[0]["state"] == "passed" and not q.merging:
            q.land(lane[0])
        for lone in [b for b in q.batches if b["kind"] == "lone" and b["state"] == "failed"]:
            q.discard(lone)
            q.strike(lone["members"][0], 1)
        while q.in_flight() < q.parallel and len([b for b in q.batches if b["kind"] == "main"]) < q.parallel:
            tip = q.lane_tip()
            if tip and tip["state"] == "building":
                break
            members = q.oldest(lambda m: m not in q.broken and q.waiting[m]["batch"] is None)[: q.batch]
            if not members:
                break
            b = q.start(members, tip)
            for m in members:
                q.waiting[m]["batch"] = b
        for m in q.oldest(lambda m: m in q.broken and q.waiting[m]["batch"] is None):
            if q.in_flight() >= q.parallel:
                break
            q.waiting[m]["batch"] = q.start([m], None, "lone")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--merge-requests", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=20, help="random choices of the broken ones to average (0: the benchmark's own)")
    args = parser.parse_args()
    seeds = list(range(args.seeds)) or [None]
    print(f"{args.merge_requests} merge requests over an hour; merged/h and pipelines per merged, averaged over {len(seeds)} runs")
    print("broken | batch size 1 | held (5, 2) | beside (5, 2) | oracle (5, 2)")
    for broken in (0, 10, 30):
        row = []
        baseline = None
        for batch, parallel, policy in ((1, 1, Held), (5, 2, Held), (5, 2, Beside), (5, 2, Oracle)):
            runs = [Queue(args.merge_requests, broken, batch, parallel, policy(), seed).run() for seed in seeds]
            rate, pipelines = sum(r[0] for r in runs) / len(runs), sum(r[1] for r in runs) / len(runs)
            baseline = baseline or rate
            row.append(f"{rate:5.1f} {pipelines:.2f} ({rate / baseline:.1f} x)")
        print(f"{broken:4} % | " + " | ".join(row))


if __name__ == "__main__":
    main()
