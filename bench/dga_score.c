/* Scores names read one per line from stdin with detect/dga.h and prints "score<TAB>name": the
 * measuring tool of bench/dga_eval.sh (`make dga-eval`).  With -l a line is one label
 * (vg_dga_score); without, a name (vg_dga_name_score, which picks the registrable label). */
#include "detect/dga.h"

int main(int argc, char **argv)
{
    bool labels = argc > 1 && strcmp(argv[1], "-l") == 0;
    char line[1024];
    while (fgets(line, sizeof(line), stdin)) {
        size_t len = strcspn(line, "\r\n");
        line[len] = '\0';
        double s =
            labels ? vg_dga_score(line, len) : vg_dga_name_score((struct vg_str){ line, len });
        printf("%.4f\t%s\n", s, line);
    }
    return 0;
}
