"""Figure of the deal: both parties' cash flows by year from signing, and their running totals.

Built on matplotlib's object API (no pyplot state), so callers own and close it.
"""

import numpy as np
from matplotlib.figure import Figure

from aether.deal import DealResult

KINDS = {"payment": ("tenant's payments", "tab:green"), "market": ("other tenants", "tab:olive"),
         "residual": ("residual value", "tab:cyan"), "credit": ("service credits", "tab:purple"),
         "capex": ("capital", "tab:red"), "opex": ("operations", "tab:orange")}


def cash_flows(result: DealResult) -> Figure:
    """Operator: money in and out by kind, stacked, with the running total; tenant: payments
    net of credits, with the running total."""
    flows = result.cash_by_year()
    years = np.arange(len(flows["payment"]))
    fig = Figure(figsize=(10, 7.5))
    ax_op, ax_tenant = fig.subplots(2, 1, sharex=True)
    up, down = np.zeros(years.size), np.zeros(years.size)
    for kind, (label, colour) in KINDS.items():
        v = flows[kind] / 1e9
        base = np.where(v >= 0, up, down)
        ax_op.bar(years, v, bottom=base, color=colour, label=label, width=0.7)
        up, down = up + np.maximum(v, 0), down + np.minimum(v, 0)
    net = sum(flows.values()) / 1e9
    ax_op.plot(years, np.cumsum(net), "ko-", label="running total")
    ax_op.axhline(0, color="k", lw=0.8)
    m = result.metrics()["operator"]
    npv = m["npv_usd"] / 1e9
    # "\\$": a literal dollar sign, not matplotlib's mathtext.
    ax_op.set_title(f"Operator: NPV {npv:,.2f} US\\$ billion at {result.model.discount_rate:.0%}; break-even "
                    f"\\${m['breakeven_usd_per_gpu_hour'] or float('nan'):,.2f} per GPU-hour")
    ax_op.set_ylabel("US$ billion")
    ax_op.legend(fontsize=7, ncol=4, loc="lower left")
    paid = -(flows["payment"] + flows["credit"]) / 1e9
    ax_tenant.bar(years, paid, color="tab:blue", width=0.7, label="paid, net of credits")
    ax_tenant.plot(years, np.cumsum(paid), "ko-", label="running total")
    t = result.metrics()["tenant"]
    ax_tenant.set_title(f"Tenant: \\${t['usd_per_gpu_hour'] or float('nan'):,.2f} per delivered GPU-hour")
    ax_tenant.set_ylabel("US$ billion")
    ax_tenant.set_xlabel("year from signing")
    ax_tenant.legend(fontsize=7)
    fig.tight_layout()
    return fig
