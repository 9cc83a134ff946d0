/* SHA-256 against the FIPS 180-4 vectors and the boundaries of the padding. */
#include "core/sha256.h"

#include <setjmp.h>
#include <cmocka.h>

static void test_sha256_vectors(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *hex;
    } cases[] = {
        { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    };
    char out[65];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vg_sha256_hex(cases[i].in, strlen(cases[i].in), out);
        assert_string_equal(out, cases[i].hex);
    }
    static char million[1000000];
    memset(million, 'a', sizeof(million));
    vg_sha256_hex(million, sizeof(million), out);
    assert_string_equal(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* 55, 56 and 64 bytes straddle the one-or-two padding blocks */
    memset(million, 'x', 64);
    vg_sha256_hex(million, 55, out); /* expected values from sha256sum */
    assert_string_equal(out, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
    vg_sha256_hex(million, 56, out);
    assert_string_equal(out, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
    vg_sha256_hex(million, 64, out);
    assert_string_equal(out, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
