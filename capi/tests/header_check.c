/* Compiled (not run) by the c_header_* tests: include/iam/iam.h must build as
 * C99 and as C++ with -pedantic -Wall -Wextra -Werror, and its _INIT macros
 * must initialize every slot. */
#include "iam/iam.h"

static const iam_store_methods kStore = IAM_STORE_METHODS_INIT;
static const iam_notifier_methods kNotifier = IAM_NOTIFIER_METHODS_INIT;
static const iam_authorizer_methods kAuthorizer = IAM_AUTHORIZER_METHODS_INIT;

int main(void) {
  iam_error* err = NULL;
  int versions = kStore.version + kNotifier.version + kAuthorizer.version;
  if (iam_error_create(&err) != IAM_OK) return 1;
  iam_error_destroy(err);
  return versions == 3 && IAM_ABI_VERSION > 0 ? 0 : 1;
}
