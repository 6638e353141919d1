// Debian's libpq-dev installs its headers under /usr/include/postgresql, which is not on the
// default search path; libpq-fe.h finds its siblings (postgres_ext.h) through quoted includes.
#include <postgresql/libpq-fe.h>
