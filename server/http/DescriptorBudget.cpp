#include "DescriptorBudget.h"

#include <algorithm>
#include <climits>

#ifdef Q_OS_UNIX
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#endif

namespace {

#ifdef Q_OS_UNIX
int countOpenDescriptors(qint64 limit)
{
    // The kernel's list, where there is one: quick whatever the limit.
#ifdef Q_OS_LINUX
    const char *const listing = "/proc/self/fd";
#else
    const char *const listing = "/dev/fd";
#endif
    if (DIR *dir = ::opendir(listing)) {
        int count = -1; // the listing's own descriptor is among them
        while (const dirent *entry = ::readdir(dir)) {
            if (entry->d_name[0] != '.')
                ++count;
        }
        ::closedir(dir);
        return std::max(count, 0);
    }
    // Else ask after each number: bounded, as a high limit would make that slow.
    int count = 0;
    for (int descriptor = 0; descriptor < std::min<qint64>(limit, 4096); ++descriptor) {
        if (::fcntl(descriptor, F_GETFD) != -1)
            ++count;
    }
    return count;
}
#endif

} // namespace

int DescriptorBudget::forSockets() const
{
    if (openFileLimit < 0)
        return INT_MAX;
    return int(std::clamp<qint64>(openFileLimit - openNow - Reserve, 2, INT_MAX));
}

DescriptorBudget DescriptorBudget::now()
{
    DescriptorBudget budget;
#ifdef Q_OS_UNIX
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return budget;
    budget.openFileLimit = qint64(std::min<rlim_t>(limit.rlim_cur, rlim_t(INT_MAX)));
    budget.openNow = countOpenDescriptors(budget.openFileLimit);
#endif
    return budget;
}
