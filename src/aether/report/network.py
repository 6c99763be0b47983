"""Figures for the network section: a map of round trips and a CDF against fibre."""

import numpy as np
from matplotlib.figure import Figure

from aether.network import NetworkResult
from aether.report.coastlines import draw_coastlines

# Points drawn of a CDF over many samples.
CDF_POINTS = 4000


def rtt_map(result: NetworkResult) -> Figure:
    """User sites coloured by median round trip to the nearest Compute Ship; gateways and
    data centres, with a line from each site to its nearest data centre."""
    fig = Figure(figsize=(11, 5.6))
    ax = fig.add_subplot()
    draw_coastlines(ax)
    reach = np.isfinite(result.rtt_ms)
    median = np.full(len(result.site_names), np.nan)
    for k in np.flatnonzero(reach.any(0)):
        median[k] = np.median(result.rtt_ms[reach[:, k], k])
    ax.scatter(result.centre_lon_deg, result.centre_lat_deg, s=18, marker="s", c="0.4",
               label="cloud regions (fibre baseline)", zorder=2)
    if len(result.gateway_names):
        ax.scatter(result.gateway_lon_deg, result.gateway_lat_deg, s=40, marker="^",
                   c="tab:green", label="gateways", zorder=3)
    ok = np.isfinite(median)
    if ok.any():
        points = ax.scatter(result.lon_deg[ok], result.lat_deg[ok], c=median[ok], s=16,
                            cmap="viridis", zorder=4, label="user sites (median RTT)")
        fig.colorbar(points, ax=ax, label="median RTT to nearest Compute Ship (ms)", shrink=0.8)
    if (~ok).any():
        ax.scatter(result.lon_deg[~ok], result.lat_deg[~ok], s=16, marker="x", c="tab:red",
                   zorder=4, label="never reachable")
    ax.set_xlim(-180, 180)
    ax.set_ylim(-90, 90)
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    ax.set_title("Round trip to the nearest Compute Ship")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    return fig


def rtt_cdf(result: NetworkResult) -> Figure:
    """CDF over sites and steps of the round trip to the nearest Compute Ship, beside the
    CDF over sites of the fibre round trip to the nearest data centre."""
    fig = Figure(figsize=(7, 4.5))
    ax = fig.add_subplot()
    values = np.sort(result.rtt_ms[np.isfinite(result.rtt_ms)].astype(float))
    if values.size:
        # Every site-step is hundreds of thousands of points; CDF_POINTS evenly spaced
        # ranks (first and last included) draw the same curve far faster.
        keep = np.unique(np.linspace(0, values.size - 1, min(values.size, CDF_POINTS)).astype(np.int64))
        ax.plot(values[keep], (keep + 1) / result.rtt_ms.size,
                label="orbit: nearest Compute Ship (site-steps)")
    fibre = np.sort(result.fibre_rtt_ms[np.isfinite(result.fibre_rtt_ms)])
    if fibre.size:
        ax.plot(fibre, np.arange(1, fibre.size + 1) / fibre.size, label="fibre: nearest region (sites)")
    ax.set_xlabel("round-trip time (ms)")
    ax.set_ylabel("share of samples")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.set_title("Round-trip time: orbit against fibre (unreachable counts as never arriving)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def sovereignty_map(result: NetworkResult) -> Figure:
    """One map per sovereignty policy: its user sites coloured by the share of time a flow
    meets the policy, the other sites in grey, gateways where it lets data land marked."""
    policies = result.sovereignty
    fig = Figure(figsize=(11, 4.8 * len(policies)))
    for row, policy in enumerate(policies):
        ax = fig.add_subplot(len(policies), 1, row + 1)
        draw_coastlines(ax)
        ax.scatter(result.lon_deg, result.lat_deg, s=8, c="0.75", zorder=2, label="other user sites")
        landed = np.unique(policy.gateway[policy.gateway >= 0])
        if landed.size:
            gateways = [result.gateway_names.index(policy.gateway_names[g]) for g in landed]
            ax.scatter(result.gateway_lon_deg[gateways], result.gateway_lat_deg[gateways], s=40, marker="^",
                       c="tab:green", zorder=3, label="gateways it landed at")
        share = policy.compliant.mean(axis=0) if len(policy.compliant) else np.zeros(len(policy.sites))
        points = ax.scatter(result.lon_deg[policy.sites], result.lat_deg[policy.sites], c=share, s=30,
                            cmap="RdYlGn", vmin=0, vmax=1, zorder=4, label="its user sites")
        fig.colorbar(points, ax=ax, label="share of time compliant", shrink=0.8)
        ax.set_xlim(-180, 180)
        ax.set_ylim(-90, 90)
        ax.set_ylabel("latitude (deg)")
        ax.set_title(f"Policy {policy.name}: time its flows can be met, per site")
        ax.legend(loc="lower left", fontsize=8)
    fig.axes[-1].set_xlabel("longitude (deg)")
    fig.tight_layout()
    return fig


def network_figures(result: NetworkResult) -> list[Figure]:
    """[map, CDF, and with sovereignty policies their map] for the report."""
    figures = [rtt_map(result), rtt_cdf(result)]
    if result.sovereignty:
        figures.append(sovereignty_map(result))
    return figures
