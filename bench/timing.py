"""What the PyTorch peers of the benchmarks share: the median time of a step."""
import statistics
import time


def median_ms(fn, n, warmup):
    """Median milliseconds of fn() over n calls, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)
