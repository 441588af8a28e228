"""Compare the two channels-redis layers for what live threads do: one group_send to a
group of N listening channels spread over P processes.

    .venv/bin/python scripts/bench_channel_layers.py --redis redis://127.0.0.1:6379/5

For each layer and each N it reports how long group_send takes for the sender (p50) and how
long a message takes to reach the listeners (p50, p99 over every delivery), and checks that
every listener got every message. The numbers and the choice they support are in
docs/live-protocol.md ("Deployment notes").
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import time
import uuid

BACKENDS = {
    "core": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}


def make_layer(backend: str, url: str, prefix: str):
    if backend == "core":
        from channels_redis.core import RedisChannelLayer

        return RedisChannelLayer(hosts=[url], prefix=prefix, capacity=1000)
    from channels_redis.pubsub import RedisPubSubChannelLayer

    return RedisPubSubChannelLayer(hosts=[url], prefix=prefix)


async def _listen(backend, url, prefix, group, count, messages, ready, results, timeout):
    layer = make_layer(backend, url, prefix)
    channels = [await layer.new_channel() for _ in range(count)]
    for channel in channels:
        await layer.group_add(group, channel)
    latencies: list[float] = []

    async def consume(channel: str) -> None:
        for _ in range(messages):
            message = await layer.receive(channel)
            latencies.append(time.time() - message["t"])

    tasks = [asyncio.create_task(consume(channel)) for channel in channels]
    ready.put(count)
    await asyncio.wait(tasks, timeout=timeout)
    for task in tasks:
        task.cancel()
    results.put(latencies)
    for channel in channels:
        await layer.group_discard(group, channel)
    if hasattr(layer, "flush"):
        await layer.flush()


def listener(*args) -> None:
    asyncio.run(_listen(*args))


async def _send(backend, url, prefix, group, messages, interval) -> list[float]:
    layer = make_layer(backend, url, prefix)
    durations = []
    for number in range(messages):
        started = time.perf_counter()
        await layer.group_send(group, {"type": "bench.message", "t": time.time(), "n": number})
        durations.append(time.perf_counter() - started)
        await asyncio.sleep(interval)
    return durations


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


def run_one(backend, url, listeners, processes, messages, interval) -> dict:
    context = multiprocessing.get_context("spawn")
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    group = "practice.bench"
    ready, results = context.Queue(), context.Queue()
    share = [
        listeners // processes + (1 if i < listeners % processes else 0) for i in range(processes)
    ]
    timeout = messages * interval + 30
    workers = [
        context.Process(
            target=listener,
            args=(backend, url, prefix, group, n, messages, ready, results, timeout),
        )
        for n in share
        if n
    ]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.get(timeout=120)
    time.sleep(0.5)
    durations = asyncio.run(_send(backend, url, prefix, group, messages, interval))
    latencies: list[float] = []
    for _ in workers:
        latencies.extend(results.get(timeout=timeout + 60))
    for worker in workers:
        worker.join(timeout=30)
    return {
        "backend": backend,
        "listeners": listeners,
        "send_p50_ms": statistics.median(durations) * 1000,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "delivered": len(latencies),
        "expected": listeners * messages,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--listeners", default="1,100,1000")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between sends")
    parser.add_argument("--backends", default="core,pubsub")
    args = parser.parse_args()

    print(
        f"{args.messages} group_send calls, {args.interval * 1000:.0f} ms apart, "
        f"listeners spread over {args.processes} processes\n"
    )
    print("| layer | listeners | group_send p50 | delivery p50 | delivery p99 | delivered |")
    print("|---|---:|---:|---:|---:|---:|")
    for count in [int(n) for n in args.listeners.split(",")]:
        for backend in args.backends.split(","):
            row = run_one(backend, args.redis, count, args.processes, args.messages, args.interval)
            print(
                f"| {BACKENDS[backend]} | {count} | {row['send_p50_ms']:.2f} ms "
                f"| {row['p50_ms']:.1f} ms | {row['p99_ms']:.1f} ms "
                f"| {row['delivered']}/{row['expected']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
