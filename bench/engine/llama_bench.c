// Prefill and decode throughput of llama.cpp through its C API, for the engine benchmark.
//
//   llama_bench --model PATH [--threads N] [--prompt TEXT | --prompt-file FILE | --prompt-ids FILE]
//               [--decode N] [--rounds R] [--warmup W] [--flash-attn auto|on|off] [--print-tokens] [--verbose]
//
// Each round clears the KV cache, decodes the whole prompt as one batch (prefill), then generates
// --decode tokens greedily, one llama_decode call per token (argmax over the raw logits, end tokens
// ignored so every round does the same work). Warm-up rounds are run first and not reported. Every
// measured round prints one JSON line on stdout:
//
//   {"engine":"llama.cpp","threads":2,"round":1,"prefill_tokens":..,"prefill_tps":..,
//    "decode_tokens":..,"decode_tps":..}
//
// Diagnostics go to stderr; --print-tokens also writes the greedy token ids of the first measured round
// there, to check them against the reference fixtures. Build with build_llama_bench.sh.

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "llama.h"

#define DEFAULT_PROMPT                                                                      \
    "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face" \
    "<|im_end|>\n<|im_start|>user\nExplain in a few paragraphs how a bicycle stays upright "   \
    "while it is moving, and why it falls over when it stops.<|im_end|>\n<|im_start|>assistant\n"

struct options {
    const char *model;
    const char *prompt_text;
    const char *prompt_file;
    const char *prompt_ids;
    int threads;
    int decode;
    int rounds;
    int warmup;
    bool verbose;
    bool print_tokens;
    enum llama_flash_attn_type flash_attn;
};

static void usage(const char *argv0) {
    fprintf(stderr,
            "usage: %s --model PATH [--threads N] [--prompt TEXT | --prompt-file FILE | --prompt-ids FILE]\n"
            "          [--decode N] [--rounds R] [--warmup W] [--flash-attn auto|on|off] [--print-tokens] [--verbose]\n"
            "  --prompt-file  UTF-8 text, tokenized with special tokens parsed and no BOS added\n"
            "  --prompt-ids   token ids separated by whitespace or commas\n"
            "defaults: --threads 2 --decode 128 --rounds 5 --warmup 1 --flash-attn auto, built-in ChatML prompt\n",
            argv0);
}

static int parse_int(const char *text, const char *name) {
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 0 || value > 1000000) {
        fprintf(stderr, "invalid value for %s: %s\n", name, text);
        exit(2);
    }
    return (int)value;
}

static void parse_options(int argc, char **argv, struct options *opt) {
    *opt = (struct options){.threads = 2, .decode = 128, .rounds = 5, .warmup = 1,
                           .flash_attn = LLAMA_FLASH_ATTN_TYPE_AUTO};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--verbose") == 0) {
            opt->verbose = true;
            continue;
        }
        if (strcmp(arg, "--print-tokens") == 0) {
            opt->print_tokens = true;
            continue;
        }
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(argv[0]);
            exit(0);
        }
        if (i + 1 >= argc) {
            usage(argv[0]);
            exit(2);
        }
        const char *value = argv[++i];
        if (strcmp(arg, "--model") == 0) {
            opt->model = value;
        } else if (strcmp(arg, "--prompt") == 0) {
            opt->prompt_text = value;
        } else if (strcmp(arg, "--prompt-file") == 0) {
            opt->prompt_file = value;
        } else if (strcmp(arg, "--prompt-ids") == 0) {
            opt->prompt_ids = value;
        } else if (strcmp(arg, "--threads") == 0) {
            opt->threads = parse_int(value, arg);
        } else if (strcmp(arg, "--decode") == 0) {
            opt->decode = parse_int(value, arg);
        } else if (strcmp(arg, "--rounds") == 0) {
            opt->rounds = parse_int(value, arg);
        } else if (strcmp(arg, "--warmup") == 0) {
            opt->warmup = parse_int(value, arg);
        } else if (strcmp(arg, "--flash-attn") == 0) {
            if (strcmp(value, "auto") == 0) {
                opt->flash_attn = LLAMA_FLASH_ATTN_TYPE_AUTO;
            } else if (strcmp(value, "on") == 0) {
                opt->flash_attn = LLAMA_FLASH_ATTN_TYPE_ENABLED;
            } else if (strcmp(value, "off") == 0) {
                opt->flash_attn = LLAMA_FLASH_ATTN_TYPE_DISABLED;
            } else {
                fprintf(stderr, "invalid value for --flash-attn: %s\n", value);
                exit(2);
            }
        } else {
            fprintf(stderr, "unknown option: %s\n", arg);
            usage(argv[0]);
            exit(2);
        }
    }
    int sources = (opt->prompt_text != NULL) + (opt->prompt_file != NULL) + (opt->prompt_ids != NULL);
    if (opt->model == NULL || sources > 1 || opt->threads < 1) {
        usage(argv[0]);
        exit(2);
    }
}

static char *read_file(const char *path, size_t *length) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
        exit(1);
    }
    size_t capacity = 4096, used = 0;
    char *data = malloc(capacity);
    size_t got;
    while (data != NULL && (got = fread(data + used, 1, capacity - used - 1, file)) > 0) {
        used += got;
        if (capacity - used < 2) {
            capacity *= 2;
            data = realloc(data, capacity);
        }
    }
    fclose(file);
    if (data == NULL) {
        fprintf(stderr, "out of memory reading %s\n", path);
        exit(1);
    }
    data[used] = '\0';
    *length = used;
    return data;
}

static llama_token *tokenize(const struct llama_vocab *vocab, const char *text, size_t length, int *count) {
    int needed = -llama_tokenize(vocab, text, (int32_t)length, NULL, 0, false, true);
    llama_token *tokens = malloc(sizeof(llama_token) * (size_t)(needed > 0 ? needed : 1));
    *count = llama_tokenize(vocab, text, (int32_t)length, tokens, needed, false, true);
    if (*count < 0) {
        fprintf(stderr, "tokenization failed\n");
        exit(1);
    }
    return tokens;
}

static llama_token *parse_ids(const char *text, int n_vocab, int *count) {
    size_t capacity = 256;
    llama_token *tokens = malloc(sizeof(llama_token) * capacity);
    int n = 0;
    const char *p = text;
    while (*p != '\0') {
        if (strchr(" \t\r\n,[]", *p) != NULL) {
            p++;
            continue;
        }
        char *end = NULL;
        long id = strtol(p, &end, 10);
        if (end == p || id < 0 || id >= n_vocab) {
            fprintf(stderr, "invalid token id near: %.20s\n", p);
            exit(1);
        }
        if ((size_t)n == capacity) {
            capacity *= 2;
            tokens = realloc(tokens, sizeof(llama_token) * capacity);
        }
        tokens[n++] = (llama_token)id;
        p = end;
    }
    *count = n;
    return tokens;
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static llama_token argmax_last(struct llama_context *ctx, int n_vocab) {
    const float *logits = llama_get_logits_ith(ctx, -1);
    if (logits == NULL) {
        fprintf(stderr, "no logits\n");
        exit(1);
    }
    llama_token best = 0;
    for (int i = 1; i < n_vocab; i++) {
        if (logits[i] > logits[best]) {
            best = i;
        }
    }
    return best;
}

static void quiet_log(enum ggml_log_level level, const char *text, void *user_data) {
    (void)user_data;
    if (level == GGML_LOG_LEVEL_ERROR) {
        fputs(text, stderr);
    }
}

struct round_result {
    double prefill_seconds;
    double decode_seconds;
};

static struct round_result run_round(struct llama_context *ctx, llama_token *prompt, int n_prompt, int n_decode,
                                     int n_vocab, llama_token *generated) {
    struct round_result result = {0};
    llama_memory_clear(llama_get_memory(ctx), true);

    double start = now_seconds();
    if (llama_decode(ctx, llama_batch_get_one(prompt, n_prompt)) != 0) {
        fprintf(stderr, "prefill llama_decode failed\n");
        exit(1);
    }
    llama_token next = argmax_last(ctx, n_vocab);  // reading the logits waits for the computation
    double prefill_end = now_seconds();

    for (int i = 0; i < n_decode; i++) {
        if (generated != NULL) {
            generated[i] = next;
        }
        if (llama_decode(ctx, llama_batch_get_one(&next, 1)) != 0) {
            fprintf(stderr, "decode llama_decode failed at token %d\n", i);
            exit(1);
        }
        next = argmax_last(ctx, n_vocab);
    }
    double decode_end = now_seconds();

    result.prefill_seconds = prefill_end - start;
    result.decode_seconds = decode_end - prefill_end;
    return result;
}

int main(int argc, char **argv) {
    struct options opt;
    parse_options(argc, argv, &opt);
    if (!opt.verbose) {
        llama_log_set(quiet_log, NULL);
    }
    llama_backend_init();

    struct llama_model_params model_params = llama_model_default_params();
    struct llama_model *model = llama_model_load_from_file(opt.model, model_params);
    if (model == NULL) {
        fprintf(stderr, "cannot load model %s\n", opt.model);
        return 1;
    }
    const struct llama_vocab *vocab = llama_model_get_vocab(model);
    int n_vocab = llama_vocab_n_tokens(vocab);

    int n_prompt = 0;
    llama_token *prompt = NULL;
    if (opt.prompt_ids != NULL) {
        size_t length = 0;
        char *text = read_file(opt.prompt_ids, &length);
        prompt = parse_ids(text, n_vocab, &n_prompt);
        free(text);
    } else if (opt.prompt_file != NULL) {
        size_t length = 0;
        char *text = read_file(opt.prompt_file, &length);
        prompt = tokenize(vocab, text, length, &n_prompt);
        free(text);
    } else {
        const char *text = opt.prompt_text != NULL ? opt.prompt_text : DEFAULT_PROMPT;
        prompt = tokenize(vocab, text, strlen(text), &n_prompt);
    }
    if (n_prompt < 1) {
        fprintf(stderr, "empty prompt\n");
        return 1;
    }

    struct llama_context_params ctx_params = llama_context_default_params();
    int needed = n_prompt + opt.decode + 1;
    ctx_params.n_ctx = (uint32_t)(needed > 2048 ? needed : 2048);
    ctx_params.n_batch = (uint32_t)(n_prompt > 512 ? n_prompt : 512);
    ctx_params.n_ubatch = ctx_params.n_batch;  // the prompt is one physical batch
    ctx_params.n_threads = opt.threads;
    ctx_params.n_threads_batch = opt.threads;
    ctx_params.flash_attn_type = opt.flash_attn;
    struct llama_context *ctx = llama_init_from_model(model, ctx_params);
    if (ctx == NULL) {
        fprintf(stderr, "cannot create context\n");
        return 1;
    }

    fprintf(stderr, "llama_bench: model %s, %d prompt tokens, decode %d, threads %d, flash attention %s, "
            "%d warm-up + %d rounds\n", opt.model, n_prompt, opt.decode, opt.threads,
            llama_flash_attn_type_name(opt.flash_attn), opt.warmup, opt.rounds);
    fprintf(stderr, "llama_bench: %s\n", llama_print_system_info());

    llama_token *generated = malloc(sizeof(llama_token) * (size_t)(opt.decode + 1));
    for (int round = -opt.warmup; round < opt.rounds; round++) {
        struct round_result r = run_round(ctx, prompt, n_prompt, opt.decode, n_vocab, generated);
        if (round < 0) {
            continue;
        }
        if (round == 0 && opt.print_tokens) {
            fprintf(stderr, "tokens:");
            for (int i = 0; i < opt.decode; i++) {
                fprintf(stderr, " %d", generated[i]);
            }
            fprintf(stderr, "\n");
        }
        double prefill_tps = n_prompt / r.prefill_seconds;
        double decode_tps = opt.decode > 0 ? opt.decode / r.decode_seconds : 0.0;
        printf("{\"engine\":\"llama.cpp\",\"threads\":%d,\"round\":%d,\"prefill_tokens\":%d,\"prefill_tps\":%.2f,"
               "\"decode_tokens\":%d,\"decode_tps\":%.2f}\n",
               opt.threads, round + 1, n_prompt, prefill_tps, opt.decode, decode_tps);
        fflush(stdout);
    }

    free(generated);
    free(prompt);
    llama_free(ctx);
    llama_model_free(model);
    llama_backend_free();
    return 0;
}
