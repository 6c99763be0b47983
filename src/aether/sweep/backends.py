"""Where cases run: `local`, a process pool on this machine (the default, no extra
dependency), or `ray`, a Ray cluster (the `ray` extra). Each task is one case on one worker
with one maths thread; finished cases come back one by one as they finish.

A backend is entered as a context and then offers submit(task) -> handle,
wait(handles, timeout_s) -> the handles finished (none if none did within timeout_s) and
result(handle).
"""

import importlib
from concurrent.futures import FIRST_COMPLETED, Future
from concurrent.futures import wait as wait_futures

from aether.errors import ScenarioError
from aether.parallel import ONE_THREAD_ENV, default_workers, one_thread_pool
from aether.sweep.task import CaseTask, run_task

BACKENDS = ("local", "ray")


class LocalBackend:
    """A pool of `workers` processes (default: every available core)."""

    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = workers or default_workers()

    def __enter__(self):
        self._context = one_thread_pool(self.workers)
        self._pool = self._context.__enter__()
        return self

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)

    def submit(self, task: CaseTask) -> Future:
        return self._pool.submit(task)

    def wait(self, handles: list, timeout_s: float) -> list:
        return list(wait_futures(handles, timeout=timeout_s, return_when=FIRST_COMPLETED).done)

    def result(self, handle: Future) -> dict:
        return handle.result()


def require(module: str, extra: str) -> None:
    """Refuse in one line when an optional dependency is missing, naming the extra to install."""
    try:
        importlib.import_module(module)
    except ImportError:
        raise ScenarioError([f"aether sweep: {module} is not installed (allowed: pip install "
                             f"'aether-orbital[{extra}]')"]) from None


def import_ray():
    """Ray, or one line saying how to install it."""
    require("ray", "ray")
    import ray

    return ray


def ray_session(address: str | None, workers: int | None) -> bool:
    """Join the cluster at address ("auto": the one `ray start` runs here), or start a local
    Ray of `workers` CPUs (default: this machine's); True if this call started the session."""
    ray = import_ray()
    if ray.is_initialized():
        return False
    options = {"include_dashboard": False, "log_to_driver": False,
               "runtime_env": {"env_vars": dict(ONE_THREAD_ENV)}}
    try:
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=workers or default_workers(), **options)
    except ConnectionError as error:
        raise ScenarioError([f"--address {address}: no Ray cluster there ({error}) (allowed: the address "
                             "`ray start --head` printed, or auto on a node of the cluster)"]) from None
    return True


class RayBackend:
    """Ray tasks of one CPU each, on a cluster joined at `address`, or on a local Ray."""

    name = "ray"

    def __init__(self, workers: int | None = None, address: str | None = None):
        self.workers, self.address = workers, address

    def __enter__(self):
        ray = import_ray()
        self._started = ray_session(self.address, self.workers)
        self._ray = ray
        self._remote = ray.remote(num_cpus=1, max_retries=0)(run_task)
        self.workers = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        return self

    def __exit__(self, *exc):
        if self._started:
            self._ray.shutdown()
        return False

    def submit(self, task: CaseTask):
        return self._remote.remote(task)

    def wait(self, handles: list, timeout_s: float) -> list:
        done, _ = self._ray.wait(handles, num_returns=len(handles), timeout=0)  # every one finished
        if not done:
            done, _ = self._ray.wait(handles, num_returns=1, timeout=timeout_s)
        return done

    def result(self, handle) -> dict:
        return self._ray.get(handle)


def backend(name: str, workers: int | None = None, address: str | None = None):
    if name == "local":
        if address:
            raise ScenarioError(["--address: goes with --backend ray (allowed: no address for local)"])
        return LocalBackend(workers)
    if name == "ray":
        return RayBackend(workers, address)
    raise ScenarioError([f"--backend {name}: not a backend (allowed: {', '.join(BACKENDS)})"])
