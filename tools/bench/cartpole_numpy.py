"""CartPole-v1 in NumPy, vectorized over N environments: the reference `swarm bench rl` runs beside ours.

The equations are Gymnasium's CartPoleEnv.step (gymnasium/envs/classic_control/cartpole.py, Euler integrator), evaluated on whole
arrays in the same order, in float64. Ended episodes are reset in place (uniform +-0.05), as a vector env's auto-reset does.

Usage:
  /usr/bin/python3 tools/bench/cartpole_numpy.py --envs 8 1024 --env-steps 1000000 [--seed 0]
      prints one JSON line per N: {"impl": "numpy", "n_envs", "env_steps", "seconds", "env_steps_per_s"}
  /usr/bin/python3 tools/bench/cartpole_numpy.py --trajectory DIR
      reads DIR/init.f64 (N x 4 float64), DIR/actions.u8 (T x N uint8) and the shape from DIR/shape.txt ("T N"); writes
      DIR/states.f64 (T x N x 4): the states after each step, without resets, for comparison with ours.
"""
import argparse, json, os, time

import numpy as np

GRAVITY, MASSCART, MASSPOLE, LENGTH, FORCE_MAG, TAU = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
TOTAL_MASS = MASSPOLE + MASSCART
POLEMASS_LENGTH = MASSPOLE * LENGTH
THETA_THRESHOLD = 12 * 2 * np.pi / 360
X_THRESHOLD = 2.4
MAX_STEPS = 500


def step(state, action):
    """state: (N, 4) float64, action: (N,) in {0, 1} -> the new state (N, 4) and terminated (N,) bool."""
    x, x_dot, theta, theta_dot = state[:, 0], state[:, 1], state[:, 2], state[:, 3]
    force = np.where(action == 1, FORCE_MAG, -FORCE_MAG)
    costheta, sintheta = np.cos(theta), np.sin(theta)
    temp = (force + POLEMASS_LENGTH * np.square(theta_dot) * sintheta) / TOTAL_MASS
    thetaacc = (GRAVITY * sintheta - costheta * temp) / (LENGTH * (4.0 / 3.0 - MASSPOLE * np.square(costheta) / TOTAL_MASS))
    xacc = temp - POLEMASS_LENGTH * thetaacc * costheta / TOTAL_MASS
    new = np.stack((x + TAU * x_dot, x_dot + TAU * xacc, theta + TAU * theta_dot, theta_dot + TAU * thetaacc), axis=1)
    terminated = (new[:, 0] < -X_THRESHOLD) | (new[:, 0] > X_THRESHOLD) | (new[:, 2] < -THETA_THRESHOLD) | (new[:, 2] > THETA_THRESHOLD)
    return new, terminated


def throughput(n, env_steps, seed):
    rng = np.random.default_rng(seed)
    steps = max(1, env_steps // n)
    actions = rng.integers(0, 2, size=(steps, n), dtype=np.int8)
    state = rng.uniform(-0.05, 0.05, size=(n, 4))
    lengths = np.zeros(n, dtype=np.int64)
    observations = np.empty((n, 4), dtype=np.float32)
    start = time.perf_counter()
    for t in range(steps):
        state, terminated = step(state, actions[t])
        lengths += 1
        done = terminated | (lengths >= MAX_STEPS)
        if done.any():
            k = int(done.sum())
            state[done] = rng.uniform(-0.05, 0.05, size=(k, 4))
            lengths[done] = 0
        observations[:] = state
    seconds = time.perf_counter() - start
    return {"impl": "numpy", "n_envs": n, "env_steps": steps * n, "seconds": round(seconds, 4),
            "env_steps_per_s": round(steps * n / seconds, 1), "numpy": np.__version__}


def trajectory(folder):
    with open(os.path.join(folder, "shape.txt")) as f:
        steps, n = (int(v) for v in f.read().split())
    state = np.fromfile(os.path.join(folder, "init.f64"), dtype="<f8").reshape(n, 4)
    actions = np.fromfile(os.path.join(folder, "actions.u8"), dtype=np.uint8).reshape(steps, n)
    out = np.empty((steps, n, 4), dtype="<f8")
    for t in range(steps):
        state, _ = step(state, actions[t])
        out[t] = state
    out.tofile(os.path.join(folder, "states.f64"))
    print(json.dumps({"impl": "numpy", "trajectory_steps": steps, "n_envs": n}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--envs", type=int, nargs="*", default=[8, 1024])
    ap.add_argument("--env-steps", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--trajectory")
    a = ap.parse_args()
    if a.trajectory:
        trajectory(a.trajectory)
        return
    for n in a.envs:
        print(json.dumps(throughput(n, a.env_steps, a.seed)), flush=True)


if __name__ == "__main__":
    main()
