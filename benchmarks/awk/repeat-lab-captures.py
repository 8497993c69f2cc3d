#!/usr/bin/env python3
"""The 1 M-line input of the stat-vs-awk benchmark (BENCHMARKS.md): the real lab captures in
../shared/traces/lab, repeated in turn, each repetition's record timestamps shifted by 1000 s,
cut at N lines. usage: repeat-lab-captures.py SHARED_TRACES_LAB N > out.txt"""
import gzip, re, sys
lab, wanted = sys.argv[1], int(sys.argv[2])
stamp = re.compile(rb'(\]\s+(?:\S{4,5}\s+)?)(\d+)(\.\d+:)')
captures = [gzip.open(f"{lab}/{name}.txt.gz").read().splitlines()
            for name in ("svm-nested-tinyvmm-k6.1-n2000", "svm-single-tinyvmm-k6.1-n2000")]
out, written, rep = sys.stdout.buffer, 0, 0
while written < wanted:
    for lines in captures:
        for line in lines[: wanted - written]:
            if rep:
                line = stamp.sub(lambda m: m.group(1) + str(int(m.group(2)) + rep * 1000).encode() + m.group(3), line, count=1)
            out.write(line + b"\n")
        written += min(len(lines), wanted - written)
        rep += 1
