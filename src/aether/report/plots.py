"""Figures for the report: ground tracks, sunlight timelines and eclipse seasons.

Built on matplotlib's object API (Figure, drawn by the Agg canvas when saved), never
pyplot: importing the report leaves the caller's backend (a notebook's, say) alone.
"""

import numpy as np
from matplotlib.figure import Figure

from aether.report.coastlines import draw_coastlines


def ground_track_map(tracks: dict, users, gateways) -> Figure:
    """Ground tracks (name -> Track, dark where eclipsed), user sites and gateways."""
    fig = Figure(figsize=(11, 5.6))
    ax = fig.subplots()
    draw_coastlines(ax)
    if len(users):
        ax.scatter(users.lon_deg, users.lat_deg, s=9, c="tab:blue", label="user sites", zorder=3)
    if len(gateways):
        ax.scatter(gateways.lon_deg, gateways.lat_deg, s=40, marker="^", c="tab:green",
                   label="gateways", zorder=3)
    for name, track in tracks.items():
        lon = np.mod(track.lon_deg + 180.0, 360.0) - 180.0
        lit = track.sunlit > 0.5
        ax.scatter(lon[lit], track.lat_deg[lit], s=1, c="tab:orange", zorder=2)
        ax.scatter(lon[~lit], track.lat_deg[~lit], s=1, c="k", zorder=2)
        ax.plot([], [], color="tab:orange", label=f"{name} (sunlit; black: eclipse)")
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    ax.set_title("Ground tracks over the run")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    return fig


def sunlight_timeline(seconds, tracks: dict) -> Figure:
    """Visible fraction of the Sun's disc and beta angle over the run (seconds from its start)
    of each track (name -> Track)."""
    fig = Figure(figsize=(11, 5))
    ax_sun, ax_beta = fig.subplots(2, 1, sharex=True)
    hours = seconds / 3600.0
    for name, track in tracks.items():
        ax_sun.plot(hours, track.sunlit, lw=0.8, label=name)
        ax_beta.plot(hours, track.beta_deg, lw=1.0, label=name)
    ax_sun.set_ylabel("Sun disc visible")
    ax_sun.set_ylim(-0.05, 1.05)
    ax_sun.set_title("Sunlight and eclipse over the run (penumbra shows as values between 0 and 1)")
    ax_beta.set_ylabel("beta angle (deg)")
    ax_beta.set_xlabel("hours since start")
    ax_sun.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def eclipse_season(seasons, orbits) -> Figure:
    """Eclipse minutes per orbit through the year for each spacecraft entry (worst member)."""
    fig = Figure(figsize=(11, 5))
    ax_ecl, ax_beta = fig.subplots(2, 1, sharex=True)
    days = np.arange(seasons.eclipse_min_per_orbit.shape[1])
    for name in orbits.group_names:
        members = orbits.members(name)
        ax_ecl.plot(days, seasons.eclipse_min_per_orbit[members].max(axis=0), label=name)
        ax_beta.plot(days, seasons.beta_deg[members[0]], label=f"{name} (first member)")
    ax_ecl.set_ylabel("eclipse per orbit (min)")
    ax_ecl.set_title("Eclipse seasons over the year from the run's start")
    ax_beta.set_ylabel("beta angle (deg)")
    ax_beta.set_xlabel("days since start")
    ax_ecl.legend(fontsize=8)
    fig.tight_layout()
    return fig


def figure_png(fig: Figure) -> bytes:
    """PNG bytes of a figure."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    return buffer.getvalue()
