import Testing

@testable import BloomEngine

@Suite("Chat templates")
struct ChatTemplateTests {
    /// SmolLM2-135M-Instruct's `tokenizer.chat_template`.
    static let smolLM2 =
        "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
        + "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
        + "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
        + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"

    static let llama3 =
        "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
        + "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + "
        + "'<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
        + "{{ content }}{% endfor %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"

    static let llama2 =
        "{% if messages[0]['role'] == 'system' %}{% set system_message = messages[0]['content'] %}{% endif %}"
        + "{{ bos_token + '[INST] ' + '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + content + ' [/INST]' }}"

    static let mistral =
        "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}"
        + "{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
        + "{{ message['content'] + eos_token}}{% endif %}{% endfor %}"

    @Test("SmolLM2's template is ChatML with its default system prompt")
    func smolLM2Default() {
        let template = ChatTemplate(template: Self.smolLM2)
        #expect(template.family == .chatML)
        #expect(template.defaultSystemPrompt == "You are a helpful AI assistant named SmolLM, trained by Hugging Face")
        #expect(
            template.render([.user("hi")])
                == "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face"
                + "<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n")
        #expect(template.stopSequences == ["<|im_end|>"])
    }

    @Test("a system message of the caller's replaces the default")
    func smolLM2WithSystem() {
        let template = ChatTemplate(template: Self.smolLM2)
        let turns: [ChatTurn] = [.system("Be brief."), .user("hi"), .assistant("Hello!"), .user("bye")]
        #expect(
            template.render(turns)
                == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n"
                + "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nbye<|im_end|>\n<|im_start|>assistant\n")
    }

    @Test("a default system prompt written with escaped newlines is found after non-literal system turns")
    func escapedDefault() {
        let template = ChatTemplate(
            template: "{% if messages[0]['role'] == 'system' %}{{ '<|im_start|>system\\n' + messages[0]['content'] "
                + "+ '<|im_end|>\\n' }}{% else %}{{ '<|im_start|>system\\nYou are Qwen.<|im_end|>\\n' }}{% endif %}")
        #expect(template.family == .chatML)
        #expect(template.defaultSystemPrompt == "You are Qwen.")
    }

    @Test("a Llama 2 template's assigned system message is its default")
    func llama2Default() {
        let template = ChatTemplate(template: "{% set system_message = 'Be safe.' %}" + Self.llama2)
        #expect(template.defaultSystemPrompt == "Be safe.")
        #expect(template.render([.user("hi")]) == "[INST] <<SYS>>\nBe safe.\n<</SYS>>\n\nhi [/INST]")
    }

    @Test("no template, or an unknown one, falls back to plain ChatML")
    func fallback() {
        for text in [nil, "{{ messages }}"] {
            let template = ChatTemplate(template: text)
            #expect(template.family == .chatML)
            #expect(template.defaultSystemPrompt == nil)
            #expect(template.render([.user("x")]) == "<|im_start|>user\nx<|im_end|>\n<|im_start|>assistant\n")
        }
    }

    @Test("Llama 3 uses headers and trims contents")
    func llama3() {
        let template = ChatTemplate(template: Self.llama3)
        #expect(template.family == .llama3)
        #expect(
            template.render([.system("Be brief."), .user("  hi\n")])
                == "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n")
        #expect(template.stopSequences == ["<|eot_id|>"])
    }

    @Test("Llama 2 wraps the system prompt in <<SYS>> inside the first instruction")
    func llama2() {
        let template = ChatTemplate(template: Self.llama2)
        #expect(template.family == .llama2)
        #expect(
            template.render([.system("Be brief."), .user("hi"), .assistant("Hello!"), .user("bye")])
                == "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nhi [/INST] Hello! </s><s>[INST] bye [/INST]")
        #expect(template.stopSequences == ["</s>"])
    }

    @Test("Mistral puts the system prompt in front of the first user message")
    func mistral() {
        let template = ChatTemplate(template: Self.mistral)
        #expect(template.family == .mistral)
        #expect(
            template.render([.system("Be brief."), .user("hi"), .assistant("Hello!"), .user("bye")])
                == "[INST] Be brief.\n\nhi [/INST]Hello!</s>[INST] bye [/INST]")
    }

    @Test("a Mistral template without inner spaces renders without them")
    func mistralTight() {
        let template = ChatTemplate(template: "{{ '[INST]' + message['content'] + '[/INST]' }}")
        #expect(template.render([.user("hi")]) == "[INST]hi[/INST]")
    }

    @Test("the real model's template renders as SmolLM2's", .enabled(if: TestModel.isAvailable))
    func realModel() throws {
        let path = try #require(TestModel.path)
        let template = ChatTemplate(file: try GGUFFile(path: path))
        #expect(template.family == .chatML)
        #expect(template.defaultSystemPrompt == ChatTemplate(template: Self.smolLM2).defaultSystemPrompt)
    }
}
