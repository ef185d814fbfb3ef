// discodesk: the discovery service in a window that shows it working.

#include "WindowProgram.h"

int main(int argc, char *argv[])
{
    WindowProgram program;
    program.name = QStringLiteral("discodesk");
    program.description = QStringLiteral(
        "DiscoDesk: a discovery service for rqlite (-disco-url) and etcd (--discovery) in a window that shows "
        "it working.");
    return program.run(argc, argv);
}
