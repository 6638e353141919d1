// Debian's libhttp-parser-dev (nodejs/http-parser 2.9).
#include <http_parser.h>
