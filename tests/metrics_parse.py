"""Reads a /metrics reply on stdin with Prometheus's own parser (Debian's
python3-prometheus-client) and prints every sample as one line,

    name{label="value",...} value

labels sorted by name, so tst_metrics can look samples up. Exits 1 with the parser's
message when the text is not valid exposition format."""

import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    text = sys.stdin.read()
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as error:  # the parser raises ValueError and others
        print("not valid Prometheus text: %r" % (error,))
        sys.exit(1)
    for family in families:
        for sample in family.samples:
            labels = ",".join('%s="%s"' % (k, sample.labels[k]) for k in sorted(sample.labels))
            print("%s{%s} %r %s" % (sample.name, labels, float(sample.value), family.type))


if __name__ == "__main__":
    main()
