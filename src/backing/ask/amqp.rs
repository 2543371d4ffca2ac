//! AMQP 0-9-1 (RabbitMQ): the protocol header, then the server's Connection.Start names the product and version.
//!
//! The server speaks first after the header, before any login: one method
//! frame (type 1, channel 0, a 4-byte size, the payload, the end octet
//! 0xCE) holding Connection.Start (class 10, method 10) with the server's
//! properties as a field table (`product`, `version`). paritty closes the
//! socket there: RabbitMQ logs a client that left before logging in, and
//! nothing else.

use std::io::{Read, Write};

use super::table::{self, Field};
use super::wire::{self, Cursor, MAX_MESSAGE, Wire};
use super::{Answer, AskError};

const HEADER: &[u8; 8] = b"AMQP\x00\x00\x09\x01";
const FRAME_METHOD: u8 = 1;
const FRAME_END: u8 = 0xce;

pub(super) fn ask<S: Read + Write>(wire: &mut Wire<S>) -> Result<Answer, AskError> {
    wire.send(HEADER)?;
    let head = wire.take_array::<7>()?;
    if head.starts_with(b"AMQP") {
        // A server of another version answers with its own header and closes.
        let rest = wire.take_array::<1>().unwrap_or_default();
        let [_, a, b, c] = [head[3], head[4], head[5], head[6]];
        return Err(AskError::Protocol(format!(
            "the server speaks AMQP {a}-{b}-{c}-{}, not 0-9-1",
            rest[0]
        )));
    }
    let size = u32::from_be_bytes([head[3], head[4], head[5], head[6]]) as usize;
    if head[0] != FRAME_METHOD || head[1..3] != [0, 0] || size > MAX_MESSAGE {
        let mut seen = head.to_vec();
        seen.extend_from_slice(wire.peek_unread());
        return Err(AskError::Protocol(format!(
            "not an AMQP 0-9-1 answer: {}",
            wire::excerpt(&seen)
        )));
    }
    let frame = wire.take(size + 1)?;
    if frame.last() != Some(&FRAME_END) {
        return Err(AskError::Protocol("an AMQP frame without its end octet".to_owned()));
    }
    connection_start(&frame[..size])
}

/// Connection.Start's server properties: the product and its version.
fn connection_start(payload: &[u8]) -> Result<Answer, AskError> {
    let mut cursor = Cursor::new(payload);
    let (class, method) = (cursor.be_u16()?, cursor.be_u16()?);
    if (class, method) != (10, 10) {
        return Err(AskError::Protocol(format!(
            "the server's first method is {class}.{method}, not Connection.Start"
        )));
    }
    let _version: [u8; 2] = cursor.array()?;
    let properties = table::read(&mut cursor)?;
    let text = |key: &str| {
        properties.iter().find_map(|(name, field)| match field {
            Field::Text(text) if name == key => Some(wire::text(text, 100)),
            _ => None,
        })
    };
    let product = text("product").unwrap_or_default();
    let service = if product.eq_ignore_ascii_case("RabbitMQ") {
        "rabbitmq".to_owned()
    } else {
        super::version::service_name(&product.replace(' ', "-"))
            .ok_or_else(|| AskError::Protocol("the server names no product".to_owned()))?
    };
    let told = text("version")
        .ok_or_else(|| AskError::Protocol("the server's properties hold no version".to_owned()))?;
    let version = super::version::leading(&told, false)?;
    Ok(Answer { service, version })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Connection.Start payload as RabbitMQ sends it, capabilities table included.
    fn start(product: &[u8], version: &[u8]) -> Vec<u8> {
        let mut capabilities = Vec::new();
        table::tests::entry(&mut capabilities, "publisher_confirms", b't', &[1]);
        table::tests::entry(&mut capabilities, "consumer_priorities", b't', &[1]);
        let mut properties = Vec::new();
        table::tests::entry(
            &mut properties,
            "capabilities",
            b'F',
            &table::tests::sized(&capabilities),
        );
        table::tests::entry(
            &mut properties,
            "cluster_name",
            b'S',
            &table::tests::sized(b"rabbit@db"),
        );
        table::tests::entry(&mut properties, "product", b'S', &table::tests::sized(product));
        table::tests::entry(&mut properties, "version", b'S', &table::tests::sized(version));
        let mut payload = vec![0, 10, 0, 10, 0, 9];
        payload.extend_from_slice(&table::tests::sized(&properties));
        payload.extend_from_slice(&table::tests::sized(b"AMQPLAIN PLAIN"));
        payload.extend_from_slice(&table::tests::sized(b"en_US"));
        payload
    }

    #[test]
    fn rabbitmq_names_itself() {
        assert_eq!(
            connection_start(&start(b"RabbitMQ", b"3.12.1")),
            Ok(Answer { service: "rabbitmq".into(), version: "3.12.1".into() })
        );
        assert_eq!(
            connection_start(&start(b"LavinMQ", b"1.2.8")),
            Ok(Answer { service: "lavinmq".into(), version: "1.2.8".into() })
        );
    }

    #[test]
    fn another_method_first_is_refused() {
        let mut payload = start(b"RabbitMQ", b"3.12.1");
        payload[3] = 50;
        assert!(matches!(connection_start(&payload), Err(AskError::Protocol(_))));
    }
}
