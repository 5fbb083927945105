// libclang's C API. The include path comes from Package.swift (/usr/lib/llvm-N/include).
//
// The library is not linked: linking libclang pulls libLLVM into every process, and relocating
// the two cost every run ~15 ms of startup (a third of a pre-commit run on Go files). leaklint
// loads it with dlopen the first time a C++ file needs it (LeakLintCpp's `Clang.api`) and calls
// it through the table below, one member per function used, typed from the real declarations.
#include <clang-c/Index.h>
#include <clang-c/CXCompilationDatabase.h>
#include <dlfcn.h>
#include <stddef.h>

#define LEAKLINT_CLANG_FUNCTIONS(X) \
    X(clang_createIndex) X(clang_disposeIndex) \
    X(clang_parseTranslationUnit2) X(clang_disposeTranslationUnit) \
    X(clang_getFile) X(clang_getLocationForOffset) X(clang_getRange) \
    X(clang_getRangeStart) X(clang_getRangeEnd) X(clang_getSpellingLocation) \
    X(clang_tokenize) X(clang_getTokenExtent) X(clang_getTokenKind) X(clang_disposeTokens) \
    X(clang_getTranslationUnitCursor) X(clang_visitChildren) X(clang_getCursorLocation) \
    X(clang_Location_isInSystemHeader) X(clang_getCursorKind) X(clang_getCursorSpelling) \
    X(clang_getCanonicalType) X(clang_getTypedefDeclUnderlyingType) X(clang_getTypeSpelling) \
    X(clang_getCString) X(clang_disposeString) X(clang_getClangVersion) \
    X(clang_CompilationDatabase_fromDirectory) X(clang_CompilationDatabase_dispose) \
    X(clang_CompilationDatabase_getAllCompileCommands) X(clang_CompileCommands_dispose) \
    X(clang_CompileCommands_getSize) X(clang_CompileCommands_getCommand) \
    X(clang_CompileCommand_getDirectory) X(clang_CompileCommand_getFilename) \
    X(clang_CompileCommand_getNumArgs) X(clang_CompileCommand_getArg)

/// The libclang functions leaklint calls, as pointers filled by `leaklint_clang_load`.
typedef struct LeakLintClangAPI {
#define LEAKLINT_CLANG_MEMBER(name) __typeof__(&name) name;
    LEAKLINT_CLANG_FUNCTIONS(LEAKLINT_CLANG_MEMBER)
#undef LEAKLINT_CLANG_MEMBER
} LeakLintClangAPI;

/// dlopens `path` and fills `api`. Returns NULL on success; otherwise why not (dlerror's text,
/// or the first missing function), and `api` must not be used.
static inline const char *leaklint_clang_load(const char *path, LeakLintClangAPI *api) {
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        const char *why = dlerror();
        return why != NULL ? why : "dlopen failed";
    }
#define LEAKLINT_CLANG_LOAD(name) \
    api->name = (__typeof__(&name))dlsym(lib, #name); \
    if (api->name == NULL) return "the library has no function " #name;
    LEAKLINT_CLANG_FUNCTIONS(LEAKLINT_CLANG_LOAD)
#undef LEAKLINT_CLANG_LOAD
    return NULL;
}
