// libclang's C API. The include path comes from Package.swift (/usr/lib/llvm-N/include).
#include <clang-c/Index.h>
#include <clang-c/CXCompilationDatabase.h>
