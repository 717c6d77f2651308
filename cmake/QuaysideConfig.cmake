# One INTERFACE target carries what every Quayside target shares, so that the
# layers (engine, models, ui, executables, tests) cannot drift apart in language
# level, warnings or Qt's safety macros.
add_library(quayside_config INTERFACE)
add_library(Quayside::Config ALIAS quayside_config)

target_compile_features(quayside_config INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)

target_compile_definitions(quayside_config INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER
    QT_NO_KEYWORDS
    QT_DISABLE_DEPRECATED_UP_TO=0x060400
    QUAYSIDE_VERSION="${PROJECT_VERSION}"
    QUAYSIDE_APP_ID="${QUAYSIDE_APP_ID}")

if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(quayside_config INTERFACE
        -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
        -Wcast-align -Wunused -Woverloaded-virtual -Wconversion -Wsign-conversion
        -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
    if(QUAYSIDE_WERROR)
        target_compile_options(quayside_config INTERFACE -Werror)
    endif()
endif()
