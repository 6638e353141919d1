"""Bloom's compatible APIs through the real `openai` and `ollama` client libraries.

Usage: test_clients.py BLOOM_URL API_KEY
Expects a running bloom whose catalogue has `fake` (a fake Ollama answering "tok " deltas,
bench/gateway/fake_ollama.py) and `dead` (an endpoint nobody listens on), with BLOOM_API_KEYS
set to API_KEY. scripts/compat-test starts all of that. Plain asserts; any failure exits
non-zero with the check's name.
"""
import sys
import traceback

import ollama
import openai

base, key = sys.argv[1], sys.argv[2]
results = []


def check(name):
    def run(function):
        try:
            detail = function()
            results.append((name, True, detail or ""))
        except Exception:  # noqa: BLE001 - every failure is reported, then the run fails
            results.append((name, False, traceback.format_exc(limit=3)))
        return function
    return run


# Retries would hide the first answer's status and slow the run; the tests want it as sent.
oa = openai.OpenAI(base_url=f"{base}/v1", api_key=key, max_retries=0, timeout=30)
ol = ollama.Client(host=base, timeout=30)
messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello"}]


@check("openai: models.list() lists the catalogue")
def _():
    ids = [model.id for model in oa.models.list()]
    assert "fake" in ids and "dead" in ids, ids
    return f"ids={ids}"


@check("openai: a non-streamed chat completion")
def _():
    completion = oa.chat.completions.create(model="fake", messages=messages, max_tokens=32, temperature=0.2)
    text = completion.choices[0].message.content
    assert text == "tok " * 8, repr(text)
    assert completion.choices[0].finish_reason == "stop", completion.choices[0].finish_reason
    assert completion.usage.completion_tokens == 8 and completion.usage.prompt_tokens == 10, completion.usage
    assert completion.model == "fake", completion.model
    return f"text={text!r} usage={completion.usage.total_tokens}"


@check("openai: a streamed chat completion with include_usage")
def _():
    stream = oa.chat.completions.create(
        model="fake", messages=messages, stream=True, stream_options={"include_usage": True}, stop=["\n"], seed=1)
    pieces, finish, usage = [], None, None
    for chunk in stream:
        if chunk.usage:
            usage = chunk.usage
        for choice in chunk.choices:
            if choice.delta.content:
                pieces.append(choice.delta.content)
            finish = choice.finish_reason or finish
    assert "".join(pieces) == "tok " * 8, pieces
    assert finish == "stop", finish
    assert usage is not None and usage.completion_tokens == 8, usage
    return f"chunks={len(pieces)} usage={usage.total_tokens}"


@check("openai: an unknown model raises NotFoundError (404)")
def _():
    try:
        oa.chat.completions.create(model="no-such-model", messages=messages)
    except openai.NotFoundError as error:
        assert error.status_code == 404
        assert error.code == "model_not_found", error.code
        return f"message={error.message[:60]!r}"
    raise AssertionError("no error raised")


@check("openai: a model that cannot answer raises InternalServerError (502), not the fallback text")
def _():
    try:
        oa.chat.completions.create(model="dead", messages=messages)
    except openai.InternalServerError as error:
        assert error.status_code == 502, error.status_code
        return f"status={error.status_code}"
    raise AssertionError("no error raised")


@check("openai: a wrong API key raises AuthenticationError (401)")
def _():
    wrong = openai.OpenAI(base_url=f"{base}/v1", api_key="wrong", max_retries=0, timeout=30)
    try:
        wrong.models.list()
    except openai.AuthenticationError as error:
        assert error.status_code == 401
        return "status=401"
    raise AssertionError("no error raised")


@check("ollama: list() lists the catalogue")
def _():
    names = [model.model for model in ol.list().models]
    assert "fake" in names and "dead" in names, names
    return f"models={names}"


@check("ollama: show() and ps()")
def _():
    shown = ol.show("fake")
    assert shown.modelfile and "FROM" in shown.modelfile, shown.modelfile
    running = ol.ps()
    assert isinstance(running.models, list)
    return f"ps={[model.model for model in running.models]}"


@check("ollama: a non-streamed chat")
def _():
    response = ol.chat(model="fake", messages=messages, options={"temperature": 0.2, "num_predict": 32})
    assert response.message.content == "tok " * 8, response.message.content
    assert response.done and response.done_reason == "stop", (response.done, response.done_reason)
    assert response.eval_count == 8 and response.prompt_eval_count == 10, response
    assert response.total_duration and response.total_duration > 0, response.total_duration
    return f"text={response.message.content!r} eval_count={response.eval_count}"


@check("ollama: a streamed chat")
def _():
    parts = list(ol.chat(model="fake", messages=messages, stream=True))
    text = "".join(part.message.content for part in parts)
    assert text == "tok " * 8, text
    assert parts[-1].done and parts[-1].eval_count == 8, parts[-1]
    assert all(not part.done for part in parts[:-1])
    return f"lines={len(parts)}"


@check("ollama: generate, streamed and not")
def _():
    whole = ol.generate(model="fake", prompt="Hi", system="Be brief.")
    assert whole.response == "tok " * 8, whole.response
    streamed = "".join(part.response for part in ol.generate(model="fake", prompt="Hi", stream=True))
    assert streamed == "tok " * 8, streamed
    return "ok"


@check("ollama: an unknown model raises ResponseError with status 404")
def _():
    try:
        ol.chat(model="no-such-model", messages=messages)
    except ollama.ResponseError as error:
        assert error.status_code == 404, error.status_code
        return f"error={error.error[:60]!r}"
    raise AssertionError("no error raised")


@check("ollama: a model that cannot answer raises ResponseError with status 502")
def _():
    try:
        ol.chat(model="dead", messages=messages, stream=False)
    except ollama.ResponseError as error:
        assert error.status_code == 502, error.status_code
        return f"status={error.status_code}"
    raise AssertionError("no error raised")


print(f"openai {openai.__version__}, ollama client against {base}")
for name, passed, detail in results:
    print(f"{'PASS' if passed else 'FAIL'}  {name}" + (f"  [{detail}]" if passed and detail else ""))
    if not passed:
        print("      " + detail.replace("\n", "\n      "))
failed = [name for name, passed, _ in results if not passed]
print(f"{len(results) - len(failed)} of {len(results)} client checks passed")
sys.exit(1 if failed else 0)
