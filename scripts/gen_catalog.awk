# Turn src/findings/catalog.tsv into the finding-type enum and its table.
# Usage: awk -f gen_catalog.awk -v out_h=FILE.h -v out_c=FILE.c catalog.tsv
BEGIN { FS = "\t"; n = 0 }
/^#/ || NF == 0 { next }
{
    if (NF != 7) { printf("%s:%d: expected 7 tab-separated columns, found %d\n", FILENAME, NR, NF) > "/dev/stderr"; exit 1 }
    type[n] = $1; res[n] = $2; src[n] = $3; sev[n] = $4; title[n] = $5; desc[n] = $6; next_[n] = $7
    id = $1
    gsub(/[^A-Za-z0-9]+/, "_", id)
    sub(/_$/, "", id)
    ident[n] = "VG_FT_" toupper(id)
    if (ident[n] in seen) { printf("%s:%d: duplicate identifier %s\n", FILENAME, NR, ident[n]) > "/dev/stderr"; exit 1 }
    seen[ident[n]] = 1
    n++
}
function cstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
function sources(s,   r) {
    r = ""
    if (s ~ /cloudtrail-s3/) r = r "VG_FT_SRC_CLOUDTRAIL_S3 | "
    if (s ~ /cloudtrail(\+|$)/) r = r "VG_FT_SRC_CLOUDTRAIL | "
    if (s ~ /vpcflow/) r = r "VG_FT_SRC_VPCFLOW | "
    if (s ~ /dns/) r = r "VG_FT_SRC_DNS | "
    sub(/ \| $/, "", r)
    return r == "" ? "0" : r
}
END {
    print "/* Generated from src/findings/catalog.tsv by scripts/gen_catalog.awk; do not edit. */" > out_h
    print "#ifndef VG_GEN_CATALOG_GEN_H" > out_h
    print "#define VG_GEN_CATALOG_GEN_H" > out_h
    print "enum vg_finding_type {" > out_h
    for (i = 0; i < n; i++) printf("    %s, /* %s */\n", ident[i], type[i]) > out_h
    print "    VG_FT_COUNT" > out_h
    print "};" > out_h
    print "#endif" > out_h
    print "/* Generated from src/findings/catalog.tsv by scripts/gen_catalog.awk; do not edit. */" > out_c
    print "#include \"findings/catalog.h\"" > out_c
    print "" > out_c
    print "const struct vg_catalog_entry vg_catalog[VG_FT_COUNT] = {" > out_c
    for (i = 0; i < n; i++) {
        printf("    [%s] = { %s, %s, %s, %s, %s, %s, %s },\n", ident[i], cstr(type[i]), cstr(res[i]), \
               sources(src[i]), sev[i], cstr(title[i]), cstr(desc[i]), cstr(next_[i])) > out_c
    }
    print "};" > out_c
}
