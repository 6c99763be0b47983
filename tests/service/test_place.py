"""The scheduler's placement: best fit in priority order, against a plain scan of every
ship written out here, and a case worked by hand."""

import numpy as np

from aether.service import place


def scan(need, policy, tenant, order, allowed, free, room):
    """Best fit by looking at every ship for every job (the definition, slowly)."""
    ship = [-1] * len(need)
    for j in order:
        if need[j] > room[tenant[j]]:
            continue
        fits = [s for s in range(len(free)) if allowed[policy[j]][s] and free[s] >= need[j]]
        if fits:
            s = min(fits, key=lambda s: (free[s], s))
            free[s] -= need[j]
            room[tenant[j]] -= need[j]
            ship[j] = s
    return ship, free, room


def test_a_case_by_hand():
    # Ships with 100, 40 and 64 free; the second may not take policy 1's jobs.
    free, room = np.array([100, 40, 64]), np.array([1000, 50])
    allowed = np.array([[True, True, True], [True, False, True]])
    need, policy, tenant = np.array([32, 32, 64, 16, 8]), np.array([0, 1, 0, 1, 0]), np.array([0, 0, 0, 1, 1])
    ship = place(need, policy, tenant, np.array([0, 1, 2, 3, 4]), allowed, free, room)
    # 32 -> ship 1 (40 is the tightest; 8 left); 32 under policy 1 -> ship 2 (64 beats 100; 32 left);
    # 64 -> ship 0 (the only one; 36 left); 16 under policy 1 -> ship 2 (32 beats 36; 16 left);
    # 8 -> ship 1 (8 left is the tightest). Tenant 0 used 128 GPUs, tenant 1 used 24.
    assert ship.tolist() == [1, 2, 0, 2, 1]
    assert free.tolist() == [36, 0, 16] and room.tolist() == [872, 26]


def test_place_equals_the_plain_scan_on_random_fleets():
    rng = np.random.default_rng(1)
    for _ in range(50):
        jobs, ships, tenants = rng.integers(1, 300), rng.integers(1, 30), rng.integers(1, 5)
        need = rng.choice([1, 8, 16, 64, 128, 512], size=jobs)
        policy = rng.integers(0, 3, size=jobs)
        tenant = rng.integers(0, tenants, size=jobs)
        order = rng.permutation(jobs)
        allowed = rng.random((3, ships)) < 0.7
        free = rng.integers(0, 1024, size=ships)
        room = rng.integers(0, 4096, size=tenants)
        expected = scan(need.tolist(), policy.tolist(), tenant.tolist(), order.tolist(), allowed.tolist(),
                        free.tolist(), room.tolist())
        ship = place(need, policy, tenant, order, allowed, free, room)
        assert (ship.tolist(), free.tolist(), room.tolist()) == expected
