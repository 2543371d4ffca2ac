//! `Gemfile`: the `ruby` line (`ruby "3.3.0"`, `ruby "~> 3.2"`,
//! `ruby ">= 3.1", "< 3.4"`), RubyGems requirements. `ruby file:
//! ".ruby-version"` points at a file read on its own.

use super::{Declaration, Parsed, Problem, Rules};

const NAME: &str = "Gemfile";

pub fn gemfile(text: &str) -> Parsed {
    let (mut found, mut problems) = (Vec::new(), Vec::new());
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_start();
        let Some(rest) = line.strip_prefix("ruby") else { continue };
        if !rest.starts_with([' ', '(', '"', '\'']) {
            continue; // `ruby_version = ...`, a gem named ruby-something
        }
        let rest = rest.trim_start().trim_start_matches('(');
        let strings = leading_strings(rest);
        if strings.is_empty() {
            // `ruby file: ".ruby-version"` or `ruby RUBY_VERSION`: nothing here.
            if !rest.trim_start().starts_with(|c: char| c.is_ascii_alphabetic() || c == ':') {
                problems.push(Problem::new(NAME, Some(i + 1), "`ruby` with no version string"));
            }
            continue;
        }
        found.push(Declaration::new("runtime.ruby", &strings.join(", "), Rules::Ruby, NAME, i + 1));
    }
    (found, problems)
}

/// The string literals at the start of an argument list, up to the first
/// argument that is not one (`engine: "jruby"`).
fn leading_strings(mut rest: &str) -> Vec<&str> {
    let mut out = Vec::new();
    loop {
        rest = rest.trim_start();
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else { break };
        let Some(end) = rest[1..].find(quote) else { break };
        out.push(&rest[1..=end]);
        rest = rest[end + 2..].trim_start();
        match rest.strip_prefix(',') {
            Some(after) => rest = after,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_lines() {
        let text = "source \"https://rubygems.org\"\ngit_source(:github) { |r| r }\n\n\
                    ruby \">= 3.1\", \"< 3.4\", engine: \"ruby\"\ngem \"rails\", \"~> 7.1\"\n";
        let (d, p) = gemfile(text);
        assert!(p.is_empty());
        assert_eq!((d[0].constraint.as_str(), d[0].line), (">= 3.1, < 3.4", 4));
        let (d, _) = gemfile("ruby file: \".ruby-version\"\n");
        assert!(d.is_empty());
        let (d, _) = gemfile("ruby '3.3.0'\n");
        assert_eq!(d[0].constraint, "3.3.0");
    }
}
