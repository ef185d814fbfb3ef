#include "NoFreeDescriptors.h"

#include <QtGlobal>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <sys/resource.h>
#include <unistd.h>
#endif

NoFreeDescriptors::NoFreeDescriptors()
{
#ifdef Q_OS_UNIX
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return;
    m_softLimit = (long long)limit.rlim_cur;
    // Lower, so that taking what is left is quick whatever the machine allows.
    if (limit.rlim_cur > rlim_t(Limit)) {
        limit.rlim_cur = Limit;
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
            return;
    }
    for (;;) {
        const int descriptor = ::dup(STDERR_FILENO);
        if (descriptor < 0) {
            if (errno != EMFILE) { // not what this is for: give back what was taken
                for (const int taken : m_taken)
                    ::close(taken);
                m_taken.clear();
            }
            break;
        }
        m_taken.push_back(descriptor);
    }
#endif
}

NoFreeDescriptors::~NoFreeDescriptors()
{
#ifdef Q_OS_UNIX
    for (const int descriptor : m_taken)
        ::close(descriptor);
    if (m_softLimit >= 0) {
        rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        limit.rlim_cur = rlim_t(m_softLimit);
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
#endif
}
