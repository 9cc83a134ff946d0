/* Printing bad-input messages for every command (see cmd.h). */
#include "cli/cmd.h"

#include "core/buf.h"

void vg_cli_print_diag(void *ctx, enum vg_diag_code code, const char *message)
{
    (void)code;
    struct vg_buf b = VG_BUF_INIT;
    vg_buf_add_printable(&b, vg_str_from(message));
    fprintf(stderr, "vigil: %s%s\n", ctx ? (const char *)ctx : "", b.data ? b.data : "");
    vg_buf_release(&b);
}
