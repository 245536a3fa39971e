/*
 * Corpus replayer: a main() for the libFuzzer targets when there is no
 * libFuzzer (gcc, the sanitizer builds, -m32). It calls
 * LLVMFuzzerTestOneInput() once per regular file of every directory (or
 * file) given on the command line, in name order, so that the committed
 * corpus runs as an ordinary ctest test.
 *
 * Usage: fuzz_replay_<name> <dir-or-file>...
 * Exit status: 0 if every input ran (a target reports a broken invariant by
 * aborting), 1 if a path could not be read, 2 if no input was found.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_FILES 4096
#define REPLAY_MAX_SIZE  (1024u * 1024u)

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Run one file. @return 0 on success, 1 if it could not be read. */
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    uint8_t *buf = malloc(REPLAY_MAX_SIZE);
    if (buf == NULL) {
        fclose(f);
        return 1;
    }
    size_t n = fread(buf, 1, REPLAY_MAX_SIZE, f);
    int err = ferror(f);
    fclose(f);
    if (err) {
        perror(path);
        free(buf);
        return 1;
    }
    /* An exact-size copy, so that ASan catches a read past the end. */
    uint8_t *exact = malloc(n > 0 ? n : 1);
    if (exact == NULL) {
        free(buf);
        return 1;
    }
    memcpy(exact, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

/* Run every regular file of dir in name order. @return failures; *count += runs. */
static int run_dir(const char *dir, int *count)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        perror(dir);
        return 1;
    }
    char **names = calloc(REPLAY_MAX_FILES, sizeof *names);
    size_t n = 0;
    int bad = names == NULL;
    const struct dirent *e;
    while (!bad && (e = readdir(d)) != NULL && n < REPLAY_MAX_FILES) {
        if (e->d_name[0] == '.') {
            continue;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (names[n] == NULL) {
            bad = 1;
            break;
        }
        snprintf(names[n], len, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    if (names != NULL) {
        qsort(names, n, sizeof *names, by_name);
    }
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (!bad && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            bad |= run_file(names[i]);
            (*count)++;
        }
        free(names[i]);
    }
    free(names);
    return bad;
}

int main(int argc, char **argv)
{
    int count = 0, bad = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            bad = 1;
        } else if (S_ISDIR(st.st_mode)) {
            bad |= run_dir(argv[i], &count);
        } else {
            bad |= run_file(argv[i]);
            count++;
        }
    }
    printf("replay: %d input(s)%s\n", count, bad ? ", some unreadable" : "");
    if (bad) {
        return 1;
    }
    return count > 0 ? 0 : 2;
}
