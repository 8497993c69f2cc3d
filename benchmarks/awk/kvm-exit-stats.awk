# Per exit reason: exits and mean handling time (kvm_exit -> next kvm_entry on the same thread),
# from raw ftrace or trace-cmd report text: the script a user writes instead of `smtreplay stat`.
# usage: mawk -f benchmarks/awk/kvm-exit-stats.awk trace.txt   (see BENCHMARKS.md)
{
    for (e = 1; e <= NF && $e != "kvm_exit:" && $e != "kvm_entry:"; e++) ;
    if (e > NF) next
    for (c = e - 1; c > 1 && $c !~ /^\[[0-9]+\]$/; c--) ;
    tid = $(c - 1); sub(/.*-/, "", tid); ts = $(e - 1); sub(/:$/, "", ts)
    if ($e == "kvm_exit:") {
        for (r = e + 1; r < NF && $r != "reason"; r++) ;
        reason[tid] = $(r + 1); start[tid] = ts; n[$(r + 1)]++
    } else if (tid in reason) {
        sum[reason[tid]] += ts - start[tid]; timed[reason[tid]]++; delete reason[tid]
    }
}
END { for (r in n) printf "%-28s %10d %12.2fus\n", r, n[r], timed[r] ? 1e6 * sum[r] / timed[r] : 0 }
