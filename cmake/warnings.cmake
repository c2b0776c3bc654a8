# Every target of ours compiles warning-free: warnings are errors.
add_compile_options(-Wall -Wextra -Werror)
