"""Fit a physical model through a simulation loop: a projectile with air drag.

Run it with ``python examples/projectile.py``. The simulation integrates the
motion with small Euler steps in a Python loop; forward mode carries the
derivatives with respect to the launch speed and the drag coefficient through
the loop, and Gauss-Newton fits both to noisy observations of the trajectory.
"""

import numpy as np

import s2sad

G = 9.81


def simulate(speed, drag, angle, dt, steps):
    """Positions (x, y) after each step, for a launch at `speed` and `angle`."""
    vx, vy = speed * np.cos(angle), speed * np.sin(angle)
    x, y = 0.0, 0.0
    xs, ys = [], []
    for i in range(steps):
        v = np.sqrt(vx * vx + vy * vy)
        vx = vx - dt * drag * v * vx
        vy = vy - dt * (G + drag * v * vy)
        x = x + dt * vx
        y = y + dt * vy
        xs.append(x)
        ys.append(y)
    return np.array(xs), np.array(ys)


def residuals(speed, drag, angle, dt, steps, x_obs, y_obs):
    xs, ys = simulate(speed, drag, angle, dt, steps)
    return np.concatenate([xs - x_obs, ys - y_obs])


def observations(seed=3):
    rng = np.random.default_rng(seed)
    xs, ys = simulate(25.0, 0.04, 0.8, 0.02, 120)
    return xs + rng.normal(0, 0.05, xs.shape), ys + rng.normal(0, 0.05, ys.shape)


def fit(iterations=8):
    """Gauss-Newton: the Jacobian of the residuals (forward mode through the loop, one
    column per parameter) gives each step."""
    x_obs, y_obs = observations()
    speed, drag = 18.0, 0.01  # a first guess
    jac = s2sad.jacobian(residuals, wrt=("speed", "drag"), mode="forward")
    for it in range(iterations):
        r = residuals(speed, drag, 0.8, 0.02, 120, x_obs, y_obs)
        print(f"iteration {it}  speed {speed:7.3f}  drag {drag:.4f}  misfit {np.mean(r**2):.5f}")
        J = np.stack(jac(speed, drag, 0.8, 0.02, 120, x_obs, y_obs), axis=1)
        step = np.linalg.solve(J.T @ J, -J.T @ r)
        speed, drag = speed + step[0], drag + step[1]
    return speed, drag


if __name__ == "__main__":
    x_obs, y_obs = observations()
    print(s2sad.source(simulate, mode="forward", wrt=("speed", "drag"), args=(25.0, 0.04, 0.8, 0.02, 120)))
    speed, drag = fit()
    print(f"fitted speed {speed:.3f} (true 25), drag {drag:.4f} (true 0.04)")
    assert abs(speed - 25.0) < 0.5 and abs(drag - 0.04) < 0.005, "the fit did not recover the model"
