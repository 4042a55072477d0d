"""The built-in technique vocabulary, with mappings to public taxonomies: name-calling,
loaded language, conspiracy framing, slurs and profanity, then the rest of the
propaganda inventory moderators and researchers use (SemEval-2020 Task 11 and
SemEval-2023 Task 3 subtask 3: doubt, exaggeration, appeals to fear, authority and
popularity, flag-waving, false dilemmas, whataboutism...).

Registered through ``rhetoric_register_techniques`` like any plugin's techniques.
The built-in rules need it; rule packs of your own may use it too. Ids are part
of the wire format (hits carry them, configurations select them), so they never
change once released.
"""

from __future__ import annotations

from collections.abc import Callable

from rhetoric import Technique, hookimpl

TECHNIQUES: tuple[Technique, ...] = (
    Technique(
        id="name-calling",
        name="Name calling / labeling",
        definition=(
            "Attaching a contemptuous or loaded label to a person or group (an insult, a "
            "dehumanizing noun, a mocking nickname) so readers dismiss them instead of "
            "weighing what they say or do."
        ),
        mappings={
            "semeval2020_t11": ("Name_Calling,Labeling",),
            "semeval2023_t3": ("Name_Calling-Labeling",),
            "semeval2021_t6": ("Name calling/Labeling",),
            "toxic_spans_typed": ("Insult",),
        },
    ),
    Technique(
        id="loaded-language",
        name="Loaded language",
        definition=(
            "Words and phrases with strong emotional charge (positive or negative) chosen "
            "to sway the reader rather than to describe: 'slaughter', 'disaster', "
            "'treasonous', 'evil'."
        ),
        mappings={
            "semeval2020_t11": ("Loaded_Language",),
            "semeval2023_t3": ("Loaded_Language",),
            "semeval2021_t6": ("Loaded Language",),
        },
    ),
    Technique(
        id="conspiracy-framing",
        name="Conspiracy framing",
        definition=(
            "Presenting events as the work of hidden agents with secret, malign intent "
            "('the elites', 'deep state', 'they don't want you to know', 'with but one "
            "goal'), including population-replacement and 'plandemic' narratives."
        ),
        mappings={
            "pan2024_oppositional": ("CONSPIRACY",),
            "prct_youtube": ("PRCT",),
            # No SemEval-2023 label: conspiracy claims are spread over its Doubt,
            # Causal_Oversimplification and Appeal_to_Fear-Prejudice spans, and on PTC
            # train sentences only 4% / 2.5% / 2% of these hits overlap those labels
            # (doubt and causal-oversimplification are techniques of their own).
        },
    ),
    Technique(
        id="slur",
        name="Slur",
        definition=(
            "A derogatory term for people by ethnicity, religion, gender, sexuality, "
            "disability or origin. Identity words themselves ('Jew', 'gay', 'Muslim') are "
            "never slurs; attacks on identity are found by templates."
        ),
        mappings={
            "toxic_spans_typed": ("Identity based Attack",),
            "hatexplain": ("hatespeech",),
        },
    ),
    Technique(
        id="profanity",
        name="Profanity",
        definition=(
            "Obscene or vulgar words, including obfuscated spellings ('f*ck', 'sh1t'). "
            "Not a propaganda technique by itself, but what moderators filter first."
        ),
        mappings={
            "toxic_spans_typed": ("Profane/Obscene",),
        },
    ),
    Technique(
        id="threat",
        name="Threats and incitement",
        definition=(
            "A threat of violence against a person or group in the writer's own voice "
            "('I will find you', 'you're dead'), a call on others to commit it ('someone "
            "should shoot him', 'hang them all'), or a wish for someone's death or harm. "
            "Reports of violence, quotes and denials are not threats."
        ),
        mappings={
            "toxic_spans_typed": ("Threat",),
        },
    ),
    Technique(
        id="doubt",
        name="Doubt",
        definition=(
            "Questioning the credibility of someone or something without showing why: "
            "insinuating questions ('how is it possible that...?', 'if he really cared, "
            "why...?'), scare words ('supposedly') and claims that a story cannot be trusted."
        ),
        mappings={
            "semeval2020_t11": ("Doubt",),
            "semeval2023_t3": ("Doubt",),
            "semeval2021_t6": ("Doubt",),
        },
    ),
    Technique(
        id="exaggeration-minimisation",
        name="Exaggeration or minimisation",
        definition=(
            "Making something look far better or worse than it is ('the worst scandal in "
            "history', 'a total disaster'), or far less important ('just a few bad apples', "
            "'a little joke')."
        ),
        mappings={
            "semeval2020_t11": ("Exaggeration,Minimisation",),
            "semeval2023_t3": ("Exaggeration-Minimisation",),
            "semeval2021_t6": ("Exaggeration/Minimisation",),
        },
    ),
    Technique(
        id="appeal-to-fear",
        name="Appeal to fear or prejudice",
        definition=(
            "Winning support for an idea by frightening the audience about the alternative "
            "('if we do nothing, our children will die'), or by playing on prejudice "
            "against a group."
        ),
        mappings={
            "semeval2020_t11": ("Appeal_to_fear-prejudice",),
            "semeval2023_t3": ("Appeal_to_Fear-Prejudice",),
            "semeval2021_t6": ("Appeal to fear/prejudice",),
        },
    ),
    Technique(
        id="flag-waving",
        name="Flag-waving",
        definition=(
            "Justifying a claim or an action by appealing to national or group pride and "
            "identity ('the American people deserve', 'for the good of our nation', "
            "'real patriots') instead of arguing for it."
        ),
        mappings={
            "semeval2020_t11": ("Flag-Waving",),
            "semeval2023_t3": ("Flag_Waving",),
            "semeval2021_t6": ("Flag-waving",),
        },
    ),
    Technique(
        id="causal-oversimplification",
        name="Causal oversimplification",
        definition=(
            "Giving one cause, or one culprit, for an issue that has many ('the only reason "
            "prices went up is the immigrants', 'it is all because of the media')."
        ),
        mappings={
            "semeval2020_t11": ("Causal_Oversimplification",),
            "semeval2023_t3": ("Causal_Oversimplification",),
            "semeval2021_t6": ("Causal Oversimplification",),
        },
    ),
    Technique(
        id="false-dilemma",
        name="False dilemma (black-and-white fallacy)",
        definition=(
            "Presenting two options as the only ones when more exist ('either you are with "
            "us or you are against us'), or one option as the only choice ('there is no "
            "alternative')."
        ),
        mappings={
            "semeval2020_t11": ("Black-and-White_Fallacy",),
            "semeval2023_t3": ("False_Dilemma-No_Choice",),
            "semeval2021_t6": ("Black-and-white Fallacy/Dictatorship",),
        },
    ),
    Technique(
        id="conversation-killer",
        name="Conversation killer (thought-terminating cliché)",
        definition=(
            "A short stock phrase that ends the discussion instead of answering it: 'end of "
            "story', 'it is what it is', 'get over it', 'facts don't care about your "
            "feelings'."
        ),
        mappings={
            "semeval2020_t11": ("Thought-terminating_Cliches",),
            "semeval2023_t3": ("Conversation_Killer",),
            "semeval2021_t6": ("Thought-terminating cliché",),
        },
    ),
    Technique(
        id="slogans",
        name="Slogans",
        definition=(
            "A brief, striking phrase that stands in for an argument, often a chant or a "
            "hashtag: 'Build the wall!', 'Lock her up', 'Death to America'."
        ),
        mappings={
            "semeval2020_t11": ("Slogans",),
            "semeval2023_t3": ("Slogans",),
            "semeval2021_t6": ("Slogans",),
        },
    ),
    Technique(
        id="appeal-to-authority",
        name="Appeal to authority",
        definition=(
            "Claiming that something is true because an authority, often vague ('experts "
            "agree', 'studies show', 'science says'), says so, instead of giving the "
            "evidence itself."
        ),
        mappings={
            "semeval2020_t11": ("Appeal_to_Authority",),
            "semeval2023_t3": ("Appeal_to_Authority",),
            "semeval2021_t6": ("Appeal to authority",),
        },
    ),
    Technique(
        id="appeal-to-popularity",
        name="Appeal to popularity (bandwagon)",
        definition=(
            "Claiming that something is true or right because many or all people believe "
            "or do it: 'everyone knows', 'millions of Americans can't be wrong', 'join the "
            "movement'."
        ),
        mappings={
            "semeval2020_t11": ("Bandwagon,Reductio_ad_hitlerum",),
            "semeval2023_t3": ("Appeal_to_Popularity",),
            "semeval2021_t6": ("Bandwagon",),
        },
    ),
    Technique(
        id="guilt-by-association",
        name="Guilt by association (reductio ad Hitlerum)",
        definition=(
            "Discrediting an idea or a person by linking them to a group or figure the "
            "audience despises ('that is exactly what Hitler did', 'Nazi-style tactics')."
        ),
        mappings={
            "semeval2020_t11": ("Bandwagon,Reductio_ad_hitlerum",),
            "semeval2023_t3": ("Guilt_by_Association",),
            "semeval2021_t6": ("Reductio ad hitlerum",),
        },
    ),
    Technique(
        id="whataboutism",
        name="Whataboutism",
        definition=(
            "Deflecting criticism by pointing at someone else's wrongdoing instead of "
            "answering it: 'but what about Hillary's emails?', 'where were you when...?'."
        ),
        mappings={
            "semeval2020_t11": ("Whataboutism,Straw_Men,Red_Herring",),
            "semeval2023_t3": ("Whataboutism",),
            "semeval2021_t6": ("Whataboutism",),
        },
    ),
    Technique(
        id="appeal-to-hypocrisy",
        name="Appeal to hypocrisy (tu quoque)",
        definition=(
            "Answering an argument by accusing its author of hypocrisy ('look who's "
            "talking', 'practise what you preach', 'the same people who...') instead of "
            "addressing the argument."
        ),
        mappings={
            "semeval2020_t11": ("Whataboutism,Straw_Men,Red_Herring",),
            "semeval2023_t3": ("Appeal_to_Hypocrisy",),
            "semeval2021_t6": ("Whataboutism",),
        },
    ),
    Technique(
        id="straw-man",
        name="Straw man",
        definition=(
            "Replacing an opponent's position with a distorted, weaker one and refuting "
            "that instead ('so you're saying we should just let criminals go free?')."
        ),
        mappings={
            "semeval2020_t11": ("Whataboutism,Straw_Men,Red_Herring",),
            "semeval2023_t3": ("Straw_Man",),
            "semeval2021_t6": ("Misrepresentation of Someone's Position (Straw Man)",),
        },
    ),
    Technique(
        id="red-herring",
        name="Red herring",
        definition=(
            "Turning attention away from the issue under discussion to another one "
            "('the real issue here is...', 'let's not forget that...') so the first is "
            "never answered."
        ),
        mappings={
            "semeval2020_t11": ("Whataboutism,Straw_Men,Red_Herring",),
            "semeval2023_t3": ("Red_Herring",),
            "semeval2021_t6": ("Presenting Irrelevant Data (Red Herring)",),
        },
    ),
    Technique(
        id="obfuscation",
        name="Obfuscation, intentional vagueness, confusion",
        definition=(
            "Wording so vague or evasive that the audience reads into it what it likes "
            "('some people are saying', 'mistakes were made', 'certain circles')."
        ),
        mappings={
            # SemEval-2020 Task 11 dropped this label from its 14: no PTC equivalent.
            "semeval2020_t11": (),
            "semeval2023_t3": ("Obfuscation-Vagueness-Confusion",),
            "semeval2021_t6": ("Obfuscation, Intentional vagueness, Confusion",),
        },
    ),
    Technique(
        id="appeal-to-time",
        name="Appeal to time",
        definition=(
            "Urging an action because its moment has supposedly come, not because of its "
            "merits: 'it is time to take our country back', 'the time has come', 'act now', "
            "'time is running out'."
        ),
        mappings={
            # Not a SemEval-2020 Task 11 (PTC) technique: introduced by SemEval-2023 Task 3.
            "semeval2020_t11": (),
            "semeval2023_t3": ("Appeal_to_Time",),
        },
    ),
    Technique(
        id="consequential-oversimplification",
        name="Consequential oversimplification (slippery slope)",
        definition=(
            "Claiming that one step will set off a chain of ever worse consequences, without "
            "showing the links: 'if we allow this, next they will ban...', 'where does it end?'."
        ),
        mappings={
            # Not a SemEval-2020 Task 11 (PTC) technique: introduced by SemEval-2023 Task 3.
            "semeval2020_t11": (),
            "semeval2023_t3": ("Consequential_Oversimplification",),
        },
    ),
    Technique(
        id="repetition",
        name="Repetition",
        definition=(
            "Repeating the same word or phrase over and over ('lies, lies, lies', a line "
            "chanted three times, one opening hammered at the start of every sentence) so "
            "the audience accepts it by familiarity."
        ),
        mappings={
            "semeval2020_t11": ("Repetition",),
            "semeval2023_t3": ("Repetition",),
            "semeval2021_t6": ("Repetition",),
        },
    ),
    Technique(
        id="questioning-reputation",
        name="Questioning the reputation (smears)",
        definition=(
            "Attacking a person's character or record instead of their argument: "
            "'a known liar', 'has a long history of lying', 'nobody can trust a word he says'."
        ),
        mappings={
            # No PTC label: its annotators put such attacks under Doubt ("questioning
            # the credibility of someone") or Name_Calling,Labeling.
            "semeval2020_t11": ("Doubt", "Name_Calling,Labeling"),
            "semeval2023_t3": ("Questioning_the_Reputation",),
            "semeval2021_t6": ("Smears",),
        },
    ),
)


@hookimpl
def rhetoric_register_techniques(register: Callable[[Technique], None]) -> None:
    for technique in TECHNIQUES:
        register(technique)
