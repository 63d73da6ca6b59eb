#!/usr/bin/env bash
# table.sh RESULTS REASONS SECONDS ALIOSS: the Markdown of the conformance
# table from run.sh's results (suite, signing, test, pass|fail per line) and
# reasons.tsv (suite prefix, test, reason), for CONFORMANCE.md.
set -euo pipefail
results=$1 reasons=$2 seconds=$3 alioss=$4
echo "| suite | signing | ran | passed | failed |"
echo "|---|---|---|---|---|"
awk -F'\t' '{k=$1 "\t" $2; ran[k]++; if ($4=="pass") ok[k]++; else bad[k]++; if (!(k in seen)) {seen[k]=1; order[n++]=k}}
	END {for (i=0;i<n;i++) {k=order[i]; split(k,a,"\t"); printf "| %s | %s | %d | %d | %d |\n", a[1], a[2], ran[k], ok[k]+0, bad[k]+0}}' "$results"
echo
echo "ali-oss 6.23.0: $alioss."
echo
echo "Run time of the suites (both signings): ${seconds} s."
echo
echo "Tests that do not pass, with their reason:"
echo
echo "| suite | test | signing | reason |"
echo "|---|---|---|---|"
awk -F'\t' 'NR==FNR {if ($0 !~ /^#/ && NF>=3) reason[$1 "\t" $2]=$3; next}
	$4!="pass" {split($1,s," "); k=s[1] "\t" $3; fails[k]=fails[k] (fails[k]?", ":"") $2; if (!(k in seen)) {seen[k]=1; order[n++]=k}}
	END {for (i=0;i<n;i++) {k=order[i]; split(k,a,"\t"); r=(k in reason)?reason[k]:"not yet explained"; gsub(/\|/, "\\|", a[2]); printf "| %s | %s | %s | %s |\n", a[1], a[2], fails[k], r}}' "$reasons" "$results"
