/* placeholder main, replaced by the CLI */
#include <stdio.h>
int main(void) { puts("dangjian"); return 0; }
